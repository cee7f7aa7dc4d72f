"""``jobmock record``: a real vendor's jobs written as fixture YAML (``core/recording``)."""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

from jobmock.cli.common import fail, out

#: Where the credential may come from instead of the command line (and so the shell history).
CREDENTIAL_ENV = "JOBMOCK_RECORD_CREDENTIAL"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    record = sub.add_parser(
        "record",
        help="read jobs from a real vendor API and write them as fixture YAML",
        description="Read jobs (and their runs) from a vendor's API and write them as a fixture "
        "folder that `jobmock serve --fixtures DIR` serves with the same documents. "
        "See docs/recording.md.",
    )
    record.add_argument("vendor", metavar="VENDOR")
    record.add_argument(
        "--base-url", required=True, metavar="URL", help="the base URL the vendor's clients use"
    )
    record.add_argument(
        "--credential",
        metavar="SECRET",
        help=f"API key or bearer token, as the vendor takes it (default: ${CREDENTIAL_ENV})",
    )
    record.add_argument(
        "--jwt-secret", metavar="SECRET", help="prunner: sign a token with this HS256 secret"
    )
    record.add_argument("--workspace", metavar="ID", help="Intuned: the workspace id")
    record.add_argument(
        "--project", metavar="NAME", help="Intuned: the project name; nunu: the project id"
    )
    record.add_argument(
        "--job", action="append", default=[], metavar="ID", help="a job to record; repeatable"
    )
    record.add_argument("--all", action="store_true", help="every job the credential sees")
    record.add_argument(
        "--follow",
        action="append",
        default=[],
        metavar="ID",
        help="poll this running job until it ends and record its timeline; repeatable",
    )
    record.add_argument(
        "--timeout",
        default="30m",
        metavar="DURATION",
        help="how long --follow waits for its jobs to end (default 30m)",
    )
    record.add_argument(
        "--interval",
        default="2s",
        metavar="DURATION",
        help="time between polls of a followed job (default 2s)",
    )
    record.add_argument(
        "--redact",
        action="store_true",
        help="replace e-mails, user names, secrets and other personal fields by Faker values",
    )
    record.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="fixture folder to write into"
    )


def run(args: argparse.Namespace) -> int:
    from jobmock.core.durations import parse_duration
    from jobmock.core.recording.errors import RecordError
    from jobmock.core.recording.recorder import RecordRequest, record
    from jobmock.core.recording.vendor import RecordOptions
    from jobmock.settings import known_vendors
    from jobmock.vendors import get_vendor

    if args.vendor not in known_vendors():
        return fail(f"record: unknown vendor {args.vendor!r} (one of {', '.join(known_vendors())})")
    if not (args.job or args.all or args.follow):
        return fail("record: say which jobs: --job ID (repeatable), --all, or --follow ID")
    try:
        timeout, interval = parse_duration(args.timeout), parse_duration(args.interval)
    except ValueError as exc:
        return fail(f"record: --timeout/--interval: {exc}")
    if interval <= 0 or timeout <= 0:
        return fail("record: --timeout and --interval must be more than 0s")
    vendor = get_vendor(args.vendor)
    if vendor.recorder is None:
        return fail(f"record: {args.vendor} cannot be recorded yet")
    options = RecordOptions(
        base_url=args.base_url,
        credential=args.credential or os.environ.get(CREDENTIAL_ENV),
        jwt_secret=args.jwt_secret,
        workspace=args.workspace,
        project=args.project,
    )
    request = RecordRequest(
        jobs=tuple(args.job),
        all=args.all,
        follow=tuple(args.follow),
        redact=args.redact,
        follow_timeout=timeout,
        poll_interval=interval,
    )
    try:
        path, count = record(
            args.vendor, vendor.recorder(), options, request, args.out,
            partial(vendor.fixture_reader().check, vendor=vendor.spec),
        )  # fmt: skip
    except RecordError as exc:
        return fail(f"record {args.vendor}: {exc}")
    except OSError as exc:
        return fail(f"record {args.vendor}: cannot write into {args.out}: {exc}")
    out(f"recorded {count} job(s) of {args.vendor} into {path}", sys.stderr)
    return 0
