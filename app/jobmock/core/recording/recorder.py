"""One recording, start to end: connect, read the jobs (following those asked), join what they
need, redact, and write the file whole, or a marked partial file and the reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobmock.core.export import dump
from jobmock.core.fixture_files import FixtureError
from jobmock.core.recording.api import shown_url
from jobmock.core.recording.errors import RecordError
from jobmock.core.recording.follow import follow
from jobmock.core.recording.output import write_partial, write_whole
from jobmock.core.recording.redact import Redactor
from jobmock.core.recording.vendor import RecordedJob, RecordOptions, VendorRecorder


@dataclass(frozen=True)
class RecordRequest:
    jobs: tuple[str, ...] = ()
    all: bool = False
    follow: tuple[str, ...] = ()
    redact: bool = False
    follow_timeout: float = 1800.0
    poll_interval: float = 2.0


def record(
    slug: str,
    recorder: VendorRecorder,
    options: RecordOptions,
    request: RecordRequest,
    out: Path,
    check: Callable[[Path], object],
) -> tuple[Path, int]:
    """The recording written to ``out/slug/recorded.yaml`` and how many jobs it holds;
    ``RecordError`` when it could not be made whole (a partial file then says so)."""
    folder = out / slug
    redactor = Redactor(options.secrets(), recorder.personal if request.redact else None)
    header = _header(slug, options, request)
    api = recorder.connect(options)
    recorded: list[RecordedJob] = []
    try:
        with unexpected("the job list"):
            ids = _job_ids(recorder, api, request)
        followed = [job_id for job_id in ids if job_id in request.follow]
        for job_id in ids:
            if job_id not in request.follow:
                with unexpected(f"job {job_id}"):
                    recorded.append(recorder.record(api, job_id))
        if followed:
            timeout, interval = request.follow_timeout, request.poll_interval
            with unexpected(f"job {', '.join(followed)}"):
                seen = follow(recorder, api, followed, timeout, interval)
            for job_id in followed:
                with unexpected(f"job {job_id}"):
                    job = recorder.with_timeline(recorder.record(api, job_id), seen[job_id])
                recorded.append(job)
        data = _assemble(recorded)
    except (RecordError, KeyboardInterrupt) as exc:
        # Ctrl-C in a long --follow keeps what was read, as any other stop does.
        reason = str(exc) if isinstance(exc, RecordError) else "interrupted"
        if not recorded:
            raise RecordError(reason) from None
        partial = _assemble(recorded)
        text = _definitions(recorder, options, recorded) + dump(redactor.apply(partial))
        path = write_partial(folder, text, reason)
        raise RecordError(
            f"{reason}\nnothing was written as a whole recording; the {len(recorded)} job(s) "
            f"read before that are in {path}"
        ) from None
    finally:
        api.close()
    text = header + _definitions(recorder, options, recorded) + dump(redactor.apply(data))
    try:
        return write_whole(folder, text, check), len(recorded)
    except FixtureError as exc:
        path = write_partial(folder, text, f"jobmock cannot serve it:\n{exc}")
        raise RecordError(
            f"the recording does not load as fixtures (a vendor answer jobmock does not "
            f"emulate?):\n{exc}\nit is in {path}, not loaded by jobmock serve"
        ) from None


@contextmanager
def unexpected(about: str) -> Iterator[None]:
    """An answer of another shape than the vendor's documented one, named instead of a
    traceback: an API that changed, or a URL that is not the vendor's."""
    try:
        yield
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        what = f"no {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
        raise RecordError(
            f"{about}: the vendor's answer is not in the shape jobmock knows ({what}); is the "
            "base URL the one the vendor's clients use?"
        ) from None


def _job_ids(recorder: VendorRecorder, api: Any, request: RecordRequest) -> list[str]:
    ids = list(request.jobs)
    if request.all:
        ids += recorder.job_ids(api)
    ids += request.follow
    return list(dict.fromkeys(ids))


def _assemble(recorded: list[RecordedJob]) -> dict[str, Any]:
    """What the jobs need beside the definitions (each item once), then the jobs."""
    data: dict[str, Any] = {}
    for job in recorded:
        for name, items in job.sections.items():
            held = data.setdefault(name, [])
            held.extend(item for item in items if item not in held)
    data["jobs"] = [job.job for job in recorded]
    return data


def _definitions(
    recorder: VendorRecorder, options: RecordOptions, recorded: list[RecordedJob]
) -> str:
    """Written as they are, never redacted: they hold the mock's own credentials."""
    return dump({"schema_version": 1, **recorder.definitions(options, recorded)})


def _header(slug: str, options: RecordOptions, request: RecordRequest) -> str:
    redacted = " --redact" if request.redact else ""
    return f"# jobmock record {slug} --base-url {shown_url(options.base_url)}{redacted}\n"
