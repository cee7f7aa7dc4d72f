"""The commands besides ``serve``: validate, routes, openapi, generate, token, health."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    pass

from jobmock.cli.common import fail, out, settings_from


def validate(path: Path, vendor: str | None) -> int:
    """Check a fixture folder (a sub-folder per vendor), one vendor's folder or one file."""
    from jobmock.core.fixture_files import FixtureError
    from jobmock.vendors import get_vendor

    targets = _validate_targets(path, vendor)
    if isinstance(targets, str):
        return fail(targets)
    failed = False
    for slug, target, label in targets:
        try:
            registered = get_vendor(slug)
            summary = registered.fixture_reader().check(target, registered.spec)
        except FixtureError as exc:
            failed = True
            out(f"{label}: invalid\n{exc}", sys.stderr)
        else:
            out(f"{label}: ok ({summary})")
    return 1 if failed else 0


def _validate_targets(path: Path, vendor: str | None) -> list[tuple[str, Path, str]] | str:
    """What ``validate PATH`` checks, as (vendor, folder or file, label), or why it cannot
    tell."""
    from jobmock.core.fixture_files import FIXTURE_SUFFIXES, display_path
    from jobmock.settings import known_vendors

    if vendor is not None:
        settings_from(vendors=vendor)  # an unknown vendor is reported as everywhere else
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

    app = create_app(settings_from(vendors=only, clock="manual"))
    for slug, vendor in app.runtime.vendors.items():
        spec = vendor.spec
        out(
            f"{slug}: {spec.title} (emulates {spec.api_version}; real base URL "
            f"{spec.real_base_url})"
        )
        out(
            f"  base URL: http://HOST:PORT/{slug}{spec.base_path}   "
            f"auth: {spec.default_credentials}"
        )
        # The operation id is what a fault rule's ``operation`` names.
        ops = vendor.operations.operations
        width = max(len(f"/{slug}{op.template}") for op in ops)
        named = max(len(op.operation_id) for op in ops)
        out(f"  {'METHOD':<6} {'PATH':<{width}} {'OPERATION':<{named}} SUMMARY")
        for op in ops:
            route = f"/{slug}{op.template}"
            out(f"  {op.method:<6} {route:<{width}} {op.operation_id:<{named}} {op.summary}")
    return 0


def openapi(slug: str) -> int:
    from jobmock.main import create_app

    app = create_app(settings_from(vendors=slug, clock="manual"))
    document = app.runtime.vendors[slug].asgi.openapi()  # type: ignore[attr-defined]
    out(json.dumps(document, indent=2))
    return 0


def generate(args: argparse.Namespace) -> int:
    """The jobs a ``generate:`` block would hold, written out as ordinary fixture jobs."""
    from jobmock.core.export import write

    settings = settings_from(vendors=args.vendor, fixtures=args.fixtures)
    from jobmock.vendors import get_vendor

    vendor = get_vendor(args.vendor)
    spec, reader = vendor.spec, vendor.fixture_reader()
    if reader.block is None:
        return fail(f"{spec.slug} has no generated jobs")
    if args.count is not None and args.count < 0:
        return fail("--count must be 0 or more")
    folder = settings.fixtures_dir / spec.slug
    exported = reader.export(folder, spec, args.count, args.seed, args.name)
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

    settings = settings_from(vendors=args.vendor, fixtures=args.fixtures)
    from jobmock.vendors import get_vendor

    vendor = get_vendor(args.vendor)
    spec, mint = vendor.spec, vendor.mint_token
    if mint is None:
        return fail(f"{spec.slug} does not use signed tokens; use {spec.default_credentials}")
    claims: dict[str, Any] = {}
    for item in args.claim:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            return fail(f"--claim takes KEY=VALUE, got {item!r}")
        try:
            claims[key] = json.loads(raw)
        except ValueError:
            claims[key] = raw
    try:
        expires_in = parse_duration(args.exp) if args.exp else None
    except ValueError as exc:
        return fail(f"--exp: {exc}")
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
        return fail(f"{spec.slug} token: {exc}")
    out(minted)
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
        return fail(f"unhealthy: {root}: {exc}")
    if body.get("status") != "ok":
        return fail(f"unhealthy: {root}: {body}")
    out(json.dumps(body))
    return 0
