"""The commands and flags of ``jobmock``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from jobmock import __version__
from jobmock.cli import record
from jobmock.cli.ctl_parser import add_ctl_parser

if TYPE_CHECKING:
    pass


def build_parser() -> argparse.ArgumentParser:
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
        "--webhook-target",
        action="append",
        metavar="HOST",
        help="also deliver webhooks to HOST, beyond loopback (* for any); repeatable",
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
    serve.add_argument(
        "--state",
        metavar="URL",
        help="where state lives: memory (default) or redis://HOST:PORT/DB, shared by every "
        "jobmock pointed at it (docs/state.md)",
    )
    serve.add_argument(
        "--workers", type=int, metavar="N", help="worker processes on the port (needs --state)"
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

    record.add_parser(sub)

    health = sub.add_parser("health", help="check a running jobmock (exit 0 when healthy)")
    health.add_argument("--url", help="server root (default http://127.0.0.1:$JOBMOCK_PORT)")
    health.add_argument("--timeout", type=float, default=2.0)
    add_ctl_parser(sub)
    return parser
