"""``jobmock serve``: the banner, the server, the request log and reloads while watching."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from jobmock import __version__

if TYPE_CHECKING:
    from jobmock.core.journal import JournalEntry
    from jobmock.main import JobmockApp

from jobmock.cli.common import fail, out, settings_from


def banner(app: JobmockApp, root: str) -> list[str]:
    runtime = app.runtime
    clock = runtime.clock
    speed = f" x{clock.scale:g}" if clock.scale != 1 else ""
    lines = [
        f"jobmock {__version__}: clock {clock.mode}{speed} at {clock.now():%Y-%m-%dT%H:%M:%SZ}, "
        f"fixtures {runtime.settings.fixtures_dir}"
    ]
    for slug, vendor in runtime.vendors.items():
        lines.append(
            f"  {slug:<9} {runtime.base_url(root, slug):<48} {vendor.spec.default_credentials}"
        )
    if runtime.settings.watch:
        lines.append(f"  watching {runtime.settings.fixtures_dir} for changes")
    lines.append(
        f"  control   {root}/_mock  (health, reset, reload, clock, jobs, requests, faults)"
    )
    lines.append(f"  dashboard {root}/_mock/ui")
    return lines


def serve(args: argparse.Namespace) -> int:
    settings = settings_from(
        host=args.host,
        port=args.port,
        fixtures=args.fixtures,
        vendor=args.vendor,
        vendors=args.vendors,
        clock=args.clock,
        clock_scale=args.clock_scale,
        start_time=args.start_time,
        seed=args.seed,
        journal_size=args.journal_size,
        control_token=args.control_token,
        allow_origins=args.allow_origin,
        webhook_targets=args.webhook_target,
        max_sessions=args.max_sessions,
        max_created_jobs=args.max_created_jobs,
        max_body=args.max_body,
        watch=args.watch,
        rate_limits=args.rate_limits,
        log_level=args.log_level,
        state=args.state,
        workers=args.workers,
    )
    import uvicorn

    from jobmock.core.errors import MockError
    from jobmock.main import create_app
    from jobmock.testing.server import bind, uvicorn_config

    try:
        app = create_app(settings)
    except MockError as exc:  # the shared state store is not answering
        return fail(f"cannot start: {exc.message}")
    try:
        sock = bind(settings.host, settings.port)
    except OSError as exc:
        return fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}")
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    for line in banner(app, f"http://{shown}:{port}"):
        out(line)
    if settings.watch:
        from jobmock.watch import FixtureWatcher

        folders = [settings.fixtures_dir / slug for slug in settings.served_vendors]
        FixtureWatcher(folders, lambda: reload_fixtures(app)).start()
    sys.stdout.flush()
    if settings.workers > 1:
        from jobmock.shared.workers import run_workers

        run_workers(settings, sock)
        return 0
    app.on_request(request_printer(settings.log_level))
    config = uvicorn_config(app, log_level=settings.log_level, access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def request_line(entry: JournalEntry) -> str:
    """One request as ``jobmock serve`` prints it: mock-clock time, what was asked, what it got,
    and why, when jobmock knows (a fault, the nearest valid path or id)."""
    query = f"?{entry.query_string}" if entry.query_string else ""
    status = str(entry.status) if entry.status else "dropped"
    parts = [f"{entry.at[11:19]} {entry.method} {entry.raw_path}{query} {status}"]
    if entry.state:
        parts.append(f"state {entry.state}")
    if entry.retry_after:
        parts.append(f"Retry-After {entry.retry_after}")
    parts.extend(entry.notes)
    if entry.error:
        parts.append(entry.error)
    if entry.suggestion:
        parts.append(f"did you mean {entry.suggestion}?")
    return "  ".join(parts)


def request_printer(level: str) -> Callable[[JournalEntry], None] | None:
    """What ``jobmock serve`` prints of each request: at ``info`` the ones a client should look at
    (errors, faults, near misses), at ``debug`` every one, above ``info`` none."""
    if level not in ("info", "debug", "trace"):
        return None
    every = level != "info"

    def show(entry: JournalEntry) -> None:
        if every or entry.status >= 400 or not entry.status or entry.fault or entry.suggestion:
            out(request_line(entry))
            sys.stdout.flush()  # a pipe (docker logs) would hold the line back otherwise

    return show


def reload_fixtures(app: JobmockApp) -> None:
    """Serve the changed fixtures, or say why not and keep serving the previous ones."""
    from jobmock.core.fixture_files import FixtureError

    keep = "still serving the previous ones"
    try:
        runtime = app.reload()
    except FixtureError as exc:
        out(f"jobmock: fixtures changed but are invalid; {keep}:\n{exc}", sys.stderr)
    except Exception as exc:  # a bug must not end the watch: say it and keep serving
        out(f"jobmock: reloading the fixtures failed; {keep}: {exc!r}", sys.stderr)
    else:
        out(f"jobmock: fixtures reloaded ({', '.join(runtime.vendors)})")
    sys.stdout.flush()
    sys.stderr.flush()
