"""``jobmock``: serve | validate | routes | openapi.

The CLI only turns arguments into ``Settings`` and calls into the app; ``main(argv)`` is testable
without a subprocess. Flags win over ``JOBMOCK_*`` environment variables, which win over defaults.
"""

from __future__ import annotations

import argparse
import json
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
        "--max-body", type=int, metavar="BYTES", help="largest request body (default 2 MiB)"
    )
    serve.add_argument(
        "--max-sessions", type=int, metavar="N", help="sessions held at once (default 32)"
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

    validate = sub.add_parser("validate", help="check fixture files without serving")
    validate.add_argument("directory", type=Path, metavar="DIR")

    routes = sub.add_parser("routes", help="list every emulated endpoint per vendor")
    routes.add_argument("--vendor", metavar="SLUG")

    openapi = sub.add_parser("openapi", help="print a vendor's OpenAPI document")
    openapi.add_argument("vendor", metavar="SLUG")

    generate = sub.add_parser("generate", help="write generated jobs as plain fixture YAML")
    generate.add_argument("vendor", metavar="SLUG")
    generate.add_argument("--count", type=int, required=True)
    generate.add_argument("--seed", type=int, default=0, help="the set's seed (default 0)")
    generate.add_argument("--name", default="generated", help="the set's name (part of its key)")
    generate.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
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
    args = _parser().parse_args(argv)
    from pydantic import ValidationError

    from jobmock.core.fixtures import FixtureError

    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "validate":
            return validate(args.directory)
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
        max_sessions=args.max_sessions,
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
    from jobmock.core.fixtures import FixtureError

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


def validate(directory: Path) -> int:
    from jobmock.core.fixtures import FixtureError
    from jobmock.vendors import VENDORS

    if not directory.is_dir():
        return _fail(f"{directory} is not a directory")
    present = [spec for spec in VENDORS if (directory / spec.slug).is_dir()]
    if not present:
        names = ", ".join(f"{spec.slug}/" for spec in VENDORS)
        return _fail(f"{directory} has no vendor folder ({names})")
    failed = False
    for spec in present:
        try:
            summary = spec.package().check_fixtures(directory / spec.slug)
        except FixtureError as exc:
            failed = True
            _out(f"{spec.slug}: invalid\n{exc}", sys.stderr)
        else:
            _out(f"{spec.slug}: ok ({summary})")
    return 1 if failed else 0


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
        document = vendor.asgi.openapi()  # type: ignore[attr-defined]
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                summary = (operation.get("summary") or "").strip()
                _out(f"  {method.upper():<6} /{slug}{path:<46} {summary}")
    return 0


def openapi(slug: str) -> int:
    from jobmock.main import create_app

    app = create_app(_settings(vendors=slug, clock="manual"))
    document = app.runtime.vendors[slug].asgi.openapi()  # type: ignore[attr-defined]
    _out(json.dumps(document, indent=2))
    return 0


def generate(args: argparse.Namespace) -> int:
    """The jobs a ``generate:`` block would hold, written out as ordinary fixture jobs."""
    import yaml

    settings = _settings(vendors=args.vendor, fixtures=args.fixtures)
    from jobmock.vendors import get_spec

    spec = get_spec(args.vendor)
    export = getattr(spec.package(), "export_generated", None)
    if export is None:
        return _fail(f"{spec.slug} has no generated jobs")
    if args.count < 0:
        return _fail("--count must be 0 or more")
    jobs = export(settings.fixtures_dir / spec.slug, args.count, args.seed, args.name)
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    progress = Progress(args.count, sys.stderr if args.out and sys.stderr.isatty() else None)
    try:
        out.write(
            f"# jobmock generate {spec.slug} --count {args.count} --seed {args.seed} "
            f"--name {args.name}\n# (as served by a jobmock with --seed 0)\n"
            "schema_version: 1\njobs:\n"
        )
        for number, job in enumerate(jobs, 1):
            out.write(yaml.safe_dump([job], sort_keys=False, width=100))
            progress.update(number)
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
    from jobmock.vendors import get_spec

    spec = get_spec(args.vendor)
    package = spec.package()
    mint = getattr(package, "mint_token", None)
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
    _out(mint(settings.fixtures_dir / spec.slug, request))
    return 0


def health(url: str | None, timeout: float) -> int:
    """Used by the container's HEALTHCHECK: stdlib only, so it costs ~50 ms, not an app build."""
    import os
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
