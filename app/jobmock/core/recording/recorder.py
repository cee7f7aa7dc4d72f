"""One recording, start to end: connect, read the jobs (following those asked), join what they
need, redact, and write the file whole, or a marked partial file and the reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jobmock.core.export import dump
from jobmock.core.fixture_files import FixtureError
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
    salt: int | None = None,
) -> tuple[Path, int]:
    """The recording written to ``out/slug/recorded.yaml`` and how many jobs it holds;
    ``RecordError`` when it could not be made whole (a partial file then says so)."""
    folder = out / slug
    redactor = Redactor(options.secrets(), recorder.personal if request.redact else None, salt)
    header = _header(slug, options, request)
    api = recorder.connect(options)
    recorded: list[RecordedJob] = []
    try:
        ids = _job_ids(recorder, api, request)
        followed = [job_id for job_id in ids if job_id in request.follow]
        for job_id in ids:
            if job_id not in request.follow:
                recorded.append(recorder.record(api, job_id))
        if followed:
            seen = follow(recorder, api, followed, request.follow_timeout, request.poll_interval)
            for job_id in followed:
                recorded.append(recorder.with_timeline(recorder.record(api, job_id), seen[job_id]))
        data = _assemble(recorded)
    except RecordError as exc:
        if not recorded:
            raise
        partial = _assemble(recorded, strict=False)
        text = _definitions(recorder, options, recorded) + dump(redactor.apply(partial))
        path = write_partial(folder, text, str(exc))
        raise RecordError(
            f"{exc}\nnothing was written as a whole recording; the {len(recorded)} job(s) read "
            f"before that are in {path}"
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


def _job_ids(recorder: VendorRecorder, api: Any, request: RecordRequest) -> list[str]:
    ids = list(request.jobs)
    if request.all:
        ids += recorder.job_ids(api)
    ids += request.follow
    return list(dict.fromkeys(ids))


def _assemble(recorded: list[RecordedJob], strict: bool = True) -> dict[str, Any]:
    """What the jobs need beside the definitions, then the jobs."""
    data: dict[str, Any] = {}
    for job in recorded:
        for name, value in job.sections.items():
            _join(data, name, value, job.job_id, strict)
    data["jobs"] = [job.job for job in recorded]
    return data


def _definitions(
    recorder: VendorRecorder, options: RecordOptions, recorded: list[RecordedJob]
) -> str:
    """Written as they are, never redacted: they hold the mock's own credentials."""
    return dump({"schema_version": 1, **recorder.definitions(options, recorded)})


def _join(data: dict[str, Any], name: str, value: Any, job_id: str, strict: bool) -> None:
    """``value`` added to section ``name``: list items once each; a mapping's entries, where
    one named twice must be the same (prunner: a pipeline's tasks as two jobs show them)."""
    if isinstance(value, list):
        held = data.setdefault(name, [])
        held.extend(item for item in value if item not in held)
        return
    held_map = data.setdefault(name, {})
    for key, item in value.items():
        if key in held_map and held_map[key] != item:
            if strict:
                raise RecordError(
                    f"job {job_id}: its {name} {key!r} differs from what an earlier job showed "
                    "(did it change between the jobs?); record them separately"
                )
            continue
        held_map[key] = item


def _header(slug: str, options: RecordOptions, request: RecordRequest) -> str:
    parts = urlsplit(options.base_url)
    # A URL may carry a user and password: never written.
    where = urlunsplit(parts._replace(netloc=parts.hostname or "", query="", fragment=""))
    if parts.port:
        where = where.replace(parts.hostname or "", f"{parts.hostname}:{parts.port}", 1)
    redacted = " --redact" if request.redact else ""
    return f"# jobmock record {slug} --base-url {where}{redacted}\n"
