"""``jobmock``: serve | validate | routes | openapi.

The CLI only turns arguments into ``Settings`` and calls into the app; ``main(argv)`` is testable
without a subprocess. Flags win over ``JOBMOCK_*`` environment variables, which win over defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from jobmock import __version__

if TYPE_CHECKING:
    from jobmock.core.journal import JournalEntry
    from jobmock.main import JobmockApp
    from jobmock.settings import Settings


def _out(text: str = "", stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(text + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobmock",
        description="An offline stand-in for the job APIs of nunu.ai, Intuned, prunner, OSAPI.",
    )
    parser.add_argument("--version", action="version", version=f"jobmock {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the emulated APIs")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default 8000; 0 picks a free one)")
    serve.add_argument(
        "--fixtures",
        type=Path,
        metavar="DIR",
        help="fixture folder with one sub-folder per vendor (default: bundled)",
    )
    serve.add_argument(
        "--vendor", metavar="SLUG", help="serve one vendor alone, at the root, with its real paths"
    )
    serve.add_argument("--vendors", metavar="SLUGS", help="comma-separated vendors to serve")
    serve.add_argument("--clock", choices=("real", "manual"), help="default real")
    serve.add_argument(
        "--clock-scale",
        type=float,
        metavar="N",
        help="run the clock N times as fast as wall time (default 1)",
    )
    serve.add_argument(
        "--start-time", metavar="ISO8601", help="where the clock starts (default: now)"
    )
    serve.add_argument("--seed", type=int, help="seed for generated data (default 0)")
    serve.add_argument("--journal-size", type=int, help="requests kept in the journal")
    serve.add_argument("--control-token", help="require this bearer token on /_mock")
    serve.add_argument(
        "--allow-origin",
        action="append",
        metavar="ORIGIN",
        help="let browser pages on ORIGIN (http://localhost:3000; * for any) change state, "
        "with CORS; repeatable",
    )
    serve.add_argument(
        "--max-body", type=int, metavar="BYTES", help="largest request body (default 2 MiB)"
    )
    serve.add_argument(
        "--max-sessions", type=int, metavar="N", help="sessions held at once (default 32)"
    )
    serve.add_argument(
        "--max-created-jobs",
        type=int,
        metavar="N",
        help="jobs and runs clients may create per vendor until reset (default 10000)",
    )
    serve.add_argument(
        "--watch",
        action="store_true",
        default=None,
        help="reload the fixtures when their files change",
    )
    serve.add_argument(
        "--rate-limits",
        action="store_true",
        default=None,
        help="enforce each vendor's documented rate limit",
    )
    serve.add_argument(
        "--log-level", choices=("critical", "error", "warning", "info", "debug", "trace")
    )

    validate = sub.add_parser(
        "validate",
        help="check fixture files without serving",
        description="Check fixtures without serving: a folder with one sub-folder per vendor, "
        "one vendor's folder, or one file (checked with the rest of its vendor's folder).",
    )
    validate.add_argument("path", type=Path, metavar="PATH")
    validate.add_argument(
        "--vendor", metavar="SLUG", help="the vendor of PATH, when its folder name does not say"
    )

    routes = sub.add_parser("routes", help="list every emulated endpoint per vendor")
    routes.add_argument("--vendor", metavar="SLUG")

    openapi = sub.add_parser("openapi", help="print a vendor's OpenAPI document")
    openapi.add_argument("vendor", metavar="SLUG")

    generate = sub.add_parser("generate", help="write generated jobs as plain fixture YAML")
    generate.add_argument("vendor", metavar="SLUG")
    generate.add_argument("--count", type=int, help="how many jobs (default: the block's)")
    generate.add_argument("--seed", type=int, help="the set's seed (default: the block's, or 0)")
    generate.add_argument(
        "--name", help="the block to take, or the set's name (default: the first block's)"
    )
    generate.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    generate.add_argument(
        "--jobs-only",
        action="store_true",
        help="leave out the definitions the jobs need (for a folder that has them)",
    )
    generate.add_argument(
        "--fixtures",
        type=Path,
        metavar="DIR",
        help="fixtures the jobs refer to (tests, projects; default: bundled)",
    )

    token = sub.add_parser("token", help="print a signed token for a token-based vendor")
    token.add_argument("vendor", metavar="SLUG")
    token.add_argument("--sub", help="the token's subject")
    token.add_argument(
        "--exp", metavar="DURATION", help="lifetime, e.g. 1h or 90s (default: the vendor's usual)"
    )
    token.add_argument("--roles", help="comma-separated roles")
    token.add_argument("--permissions", help="comma-separated permissions")
    token.add_argument(
        "--claim",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra claim (VALUE parsed as JSON when it can be); repeatable",
    )
    token.add_argument(
        "--fixtures",
        type=Path,
        metavar="DIR",
        help="fixture folder whose secret signs the token (default: bundled)",
    )

    health = sub.add_parser("health", help="check a running jobmock (exit 0 when healthy)")
    health.add_argument("--url", help="server root (default http://127.0.0.1:$JOBMOCK_PORT)")
    health.add_argument("--timeout", type=float, default=2.0)
    return parser


def _settings(**overrides: Any) -> Settings:
    from jobmock.settings import Settings

    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def _fail(message: str) -> int:
    _out(f"jobmock: {message}", sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _run(_parser().parse_args(argv))
        sys.stdout.flush()  # a reader that has gone (``| head``) shows here, not at exit
    except BrokenPipeError:
        # Python's recipe: whatever is still buffered goes nowhere, and the exit is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


def _run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from jobmock.core.fixture_files import FixtureError

    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "validate":
            return validate(args.path, args.vendor)
        if args.command == "routes":
            return routes(args.vendor)
        if args.command == "openapi":
            return openapi(args.vendor)
        if args.command == "health":
            return health(args.url, args.timeout)
        if args.command == "token":
            return token(args)
        if args.command == "generate":
            return generate(args)
    except FixtureError as exc:
        return _fail(f"invalid fixtures:\n{exc}")
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        return _fail(f"invalid settings: {problems}")
    raise AssertionError(args.command)  # pragma: no cover - argparse rejects unknown commands


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
            f"  {slug:<8} {runtime.base_url(root, slug):<48} {vendor.spec.default_credentials}"
        )
    if runtime.settings.watch:
        lines.append(f"  watching {runtime.settings.fixtures_dir} for changes")
    lines.append(f"  control  {root}/_mock  (health, reset, reload, clock, jobs, requests, faults)")
    return lines


def serve(args: argparse.Namespace) -> int:
    settings = _settings(
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
        max_sessions=args.max_sessions,
        max_created_jobs=args.max_created_jobs,
        max_body=args.max_body,
        watch=args.watch,
        rate_limits=args.rate_limits,
        log_level=args.log_level,
    )
    import uvicorn

    from jobmock.main import create_app
    from jobmock.testing.server import bind, uvicorn_config

    app = create_app(settings)
    try:
        sock = bind(settings.host, settings.port)
    except OSError as exc:
        return _fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}")
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    for line in banner(app, f"http://{shown}:{port}"):
        _out(line)
    if settings.watch:
        from jobmock.watch import FixtureWatcher

        folders = [settings.fixtures_dir / slug for slug in settings.served_vendors]
        FixtureWatcher(folders, lambda: reload_fixtures(app)).start()
    sys.stdout.flush()
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
            _out(request_line(entry))
            sys.stdout.flush()  # a pipe (docker logs) would hold the line back otherwise

    return show


def reload_fixtures(app: JobmockApp) -> None:
    """Serve the changed fixtures, or say why not and keep serving the previous ones."""
    from jobmock.core.fixture_files import FixtureError

    keep = "still serving the previous ones"
    try:
        runtime = app.reload()
    except FixtureError as exc:
        _out(f"jobmock: fixtures changed but are invalid; {keep}:\n{exc}", sys.stderr)
    except Exception as exc:  # a bug must not end the watch: say it and keep serving
        _out(f"jobmock: reloading the fixtures failed; {keep}: {exc!r}", sys.stderr)
    else:
        _out(f"jobmock: fixtures reloaded ({', '.join(runtime.vendors)})")
    sys.stdout.flush()
    sys.stderr.flush()


def validate(path: Path, vendor: str | None) -> int:
    """Check a fixture folder (a sub-folder per vendor), one vendor's folder or one file."""
    from jobmock.core.fixture_files import FixtureError
    from jobmock.vendors import get_vendor

    targets = _validate_targets(path, vendor)
    if isinstance(targets, str):
        return _fail(targets)
    failed = False
    for slug, target, label in targets:
        try:
            summary = get_vendor(slug).fixture_reader().check(target)
        except FixtureError as exc:
            failed = True
            _out(f"{label}: invalid\n{exc}", sys.stderr)
        else:
            _out(f"{label}: ok ({summary})")
    return 1 if failed else 0


def _validate_targets(path: Path, vendor: str | None) -> list[tuple[str, Path, str]] | str:
    """What ``validate PATH`` checks, as (vendor, folder or file, label), or why it cannot
    tell."""
    from jobmock.core.fixture_files import FIXTURE_SUFFIXES, display_path
    from jobmock.settings import known_vendors

    if vendor is not None:
        _settings(vendors=vendor)  # an unknown vendor is reported as everywhere else
    slugs = known_vendors()
    folders = ", ".join(f"{slug}/" for slug in slugs)
    if not path.exists():
        return f"{path} does not exist"
    resolved = path.resolve()
    if path.is_file():
        if path.suffix not in FIXTURE_SUFFIXES:
            return f"{path} is not a fixture file (.yaml or .yml)"
        slug = vendor or next((p.name for p in resolved.parents if p.name in slugs), None)
        if slug is None:
            return (
                f"cannot tell which vendor {path} is for: keep it in a folder named after "
                f"its vendor ({folders}) or give --vendor"
            )
        # The files of a vendor's folder are one set (a job names a test defined in another
        # file), so a file inside one is checked with the rest of it.
        folder = next((p for p in resolved.parents if p.name == slug), None)
        if folder is None:
            return [(slug, path, f"{slug} ({path})")]
        return [(slug, folder, f"{slug} ({path}, with the rest of {display_path(folder)})")]
    if vendor is not None:
        folder = path / vendor if (path / vendor).is_dir() else path
        return [(vendor, folder, f"{vendor} ({folder})")]
    present = [(slug, path / slug, slug) for slug in slugs if (path / slug).is_dir()]
    if present:
        return present
    if resolved.name in slugs:
        return [(resolved.name, path, f"{resolved.name} ({path})")]
    return (
        f"cannot tell which vendor {path} is for: it has no vendor folder ({folders}) and is "
        "not named after a vendor; give --vendor"
    )


def routes(only: str | None) -> int:
    from jobmock.main import create_app

    app = create_app(_settings(vendors=only, clock="manual"))
    for slug, vendor in app.runtime.vendors.items():
        spec = vendor.spec
        _out(
            f"{slug}: {spec.title} (emulates {spec.api_version}; real base URL "
            f"{spec.real_base_url})"
        )
        _out(
            f"  base URL: http://HOST:PORT/{slug}{spec.base_path}   "
            f"auth: {spec.default_credentials}"
        )
        # The operation id is what a fault rule's ``operation`` names.
        ops = vendor.operations.operations
        width = max(len(f"/{slug}{op.template}") for op in ops)
        named = max(len(op.operation_id) for op in ops)
        _out(f"  {'METHOD':<6} {'PATH':<{width}} {'OPERATION':<{named}} SUMMARY")
        for op in ops:
            route = f"/{slug}{op.template}"
            _out(f"  {op.method:<6} {route:<{width}} {op.operation_id:<{named}} {op.summary}")
    return 0


def openapi(slug: str) -> int:
    from jobmock.main import create_app

    app = create_app(_settings(vendors=slug, clock="manual"))
    document = app.runtime.vendors[slug].asgi.openapi()  # type: ignore[attr-defined]
    _out(json.dumps(document, indent=2))
    return 0


def generate(args: argparse.Namespace) -> int:
    """The jobs a ``generate:`` block would hold, written out as ordinary fixture jobs."""
    from jobmock.core.export import write

    settings = _settings(vendors=args.vendor, fixtures=args.fixtures)
    from jobmock.vendors import get_vendor

    vendor = get_vendor(args.vendor)
    spec, reader = vendor.spec, vendor.fixture_reader()
    if reader.block is None:
        return _fail(f"{spec.slug} has no generated jobs")
    if args.count is not None and args.count < 0:
        return _fail("--count must be 0 or more")
    exported = reader.export(settings.fixtures_dir / spec.slug, args.count, args.seed, args.name)
    block, count = exported.jobs.spec, exported.jobs.count
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    progress = Progress(count, sys.stderr if args.out and sys.stderr.isatty() else None)
    only = " --jobs-only" if args.jobs_only else ""
    header = (
        f"# jobmock generate {spec.slug} --count {count} --seed {block.seed} "
        f"--name {block.name}{only}\n# (as served by a jobmock with --seed 0)\n"
    )
    try:
        write(out, exported, header, standalone=not args.jobs_only, progress=progress.update)
    finally:
        progress.done()
        if args.out:
            out.close()
    return 0


class Progress:
    """A one-line progress bar, only on a terminal and only for counts worth one."""

    def __init__(self, total: int, stream: TextIO | None, threshold: int = 10_000) -> None:
        self.total = total
        self.stream = stream if total >= threshold else None
        self.shown = -1

    def update(self, done: int) -> None:
        if self.stream is None:
            return
        percent = done * 100 // max(1, self.total)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r[{bar:<25}] {percent:3d}% {done}/{self.total}")
            self.stream.flush()

    def done(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")


def _csv(value: str | None) -> tuple[str, ...] | None:
    return tuple(part.strip() for part in value.split(",") if part.strip()) if value else None


def token(args: argparse.Namespace) -> int:
    from jobmock.core.clock import utcnow
    from jobmock.core.durations import parse_duration
    from jobmock.core.vendor import TokenRequest

    settings = _settings(vendors=args.vendor, fixtures=args.fixtures)
    from jobmock.vendors import get_vendor

    vendor = get_vendor(args.vendor)
    spec, mint = vendor.spec, vendor.mint_token
    if mint is None:
        return _fail(f"{spec.slug} does not use signed tokens; use {spec.default_credentials}")
    claims: dict[str, Any] = {}
    for item in args.claim:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            return _fail(f"--claim takes KEY=VALUE, got {item!r}")
        try:
            claims[key] = json.loads(raw)
        except ValueError:
            claims[key] = raw
    try:
        expires_in = parse_duration(args.exp) if args.exp else None
    except ValueError as exc:
        return _fail(f"--exp: {exc}")
    request = TokenRequest(
        now=utcnow(),
        subject=args.sub,
        expires_in=expires_in,
        roles=_csv(args.roles),
        permissions=_csv(args.permissions),
        claims=claims,
    )
    from jobmock.core.fixture_files import FixtureError

    try:
        minted = mint(settings.fixtures_dir / spec.slug, request)
    except FixtureError:
        raise
    except ValueError as exc:  # an option the vendor would reject, or ignore
        return _fail(f"{spec.slug} token: {exc}")
    _out(minted)
    return 0


def health(url: str | None, timeout: float) -> int:
    """Used by the container's HEALTHCHECK: stdlib only, so it costs ~50 ms, not an app build."""
    import urllib.error
    import urllib.request

    root = url or f"http://127.0.0.1:{os.environ.get('JOBMOCK_PORT', '8000')}"
    try:
        with urllib.request.urlopen(f"{root.rstrip('/')}/_mock/health", timeout=timeout) as r:
            body = json.loads(r.read())
    except (OSError, ValueError) as exc:
        return _fail(f"unhealthy: {root}: {exc}")
    if body.get("status") != "ok":
        return _fail(f"unhealthy: {root}: {body}")
    _out(json.dumps(body))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
