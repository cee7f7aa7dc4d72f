"""The flags of ``jobmock ctl``: one argparse subparser per control verb and action, which
argcomplete completes (docs/cli.md#jobmock-ctl)."""

from __future__ import annotations

import argparse
from typing import Any

#: Fault actions, of which a rule takes one (``--status`` is the fourth).
ACTIONS = ("drop", "truncate", "malformed")


def _matchers(parser: argparse.ArgumentParser, what: str) -> None:
    """The request matchers a fault rule and a stub share (``POST /_mock/faults``)."""
    parser.add_argument("vendor", metavar="VENDOR", help="nunu, intuned, prunner or osapi")
    parser.add_argument("--operation", help=f"the operation id {what} (jobmock routes)")
    parser.add_argument("--method", help="only this HTTP method")
    parser.add_argument("--path", help="a path pattern, e.g. /jobs/*")
    parser.add_argument("--job", help="only requests about this job id")
    counts = parser.add_mutually_exclusive_group()
    counts.add_argument("--times", type=int, help="how many matching requests (default 1)")
    counts.add_argument(
        "--always", action="store_true", help="every matching request (times: null)"
    )


def add_ctl_parser(sub: Any) -> None:
    ctl = sub.add_parser(
        "ctl",
        help="drive a running jobmock's control API (/_mock) from a shell",
        description="Drive a running jobmock's control API. Exit 0 on success, 1 when the "
        "server refuses the request, 3 when it cannot be reached.",
    )
    ctl.add_argument(
        "--url", help="the server's root (default $JOBMOCK_URL, else http://127.0.0.1:8000)"
    )
    ctl.add_argument(
        "--token",
        help="the control token (default $JOBMOCK_CONTROL_TOKEN), when the server has one",
    )
    ctl.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    verbs = ctl.add_subparsers(dest="verb", required=True, metavar="VERB")
    # --json on each command that prints (stubs add's --json is the stub's body).
    printing = argparse.ArgumentParser(add_help=False)
    printing.add_argument("--json", action="store_true", help="print the server's JSON answers")

    def leaf(parsers: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = parsers.add_parser(name, parents=[printing], **kwargs)
        return parser

    clock = leaf(verbs, "clock", help="show or move the mock clock")
    moves = clock.add_subparsers(dest="move", metavar="ACTION")
    leaf(moves, "show", help="the time, mode and scale (also the default)")
    advance = leaf(moves, "advance", help="move the clock forward")
    advance.add_argument("duration", metavar="DURATION", help="90s, 5m, 1h or seconds")
    set_time = leaf(moves, "set", help="set the clock to a time")
    set_time.add_argument("time", metavar="ISO8601")
    leaf(moves, "freeze", help="stop the clock where it is (manual mode)")
    resume = leaf(moves, "resume", help="let a frozen clock run on")
    resume.add_argument("--scale", type=float, help="N times as fast as wall time")

    leaf(verbs, "reset", help="back to the fixtures and the start time")

    faults = verbs.add_parser("faults", help="add, list and clear fault rules")
    fault_verbs = faults.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = leaf(fault_verbs, "add", help="inject a fault (POST /_mock/faults)")
    _matchers(add, "that fails")
    kinds = add.add_mutually_exclusive_group()
    kinds.add_argument("--status", type=int, help="answer this status in the vendor's envelope")
    for action in ACTIONS:
        kinds.add_argument(f"--{action}", action="store_true", help=f"{action} the answer")
    add.add_argument("--retry-after", type=float, metavar="SECONDS")
    add.add_argument("--delay", help="seconds of latency, or MIN,MAX")
    add.add_argument("--message", help="the error message")
    add.add_argument("--calls", help="which matching requests fail, e.g. 2,3")
    add.add_argument("--probability", type=float)
    add.add_argument("--seed", type=int)
    leaf(fault_verbs, "list", help="the rules, with how often each matched and fired")
    clear = leaf(fault_verbs, "clear", help="remove every rule (or one vendor's)")
    clear.add_argument("--vendor")
    remove = leaf(fault_verbs, "remove", help="remove one rule")
    remove.add_argument("id", type=int, metavar="ID")

    requests = leaf(verbs, "requests", help="what clients sent (the journal)")
    for name in ("vendor", "method", "path", "job", "operation"):
        requests.add_argument(f"--{name}")
    shown = requests.add_mutually_exclusive_group()
    shown.add_argument("--tail", action="store_true", help="keep printing new requests")
    shown.add_argument("--har", action="store_true", help="print them as HAR 1.2")
    requests.add_argument(
        "--interval", type=float, default=0.5, help="with --tail: seconds between reads"
    )

    stubs = verbs.add_parser("stubs", help="answers for the next matching calls")
    stub_verbs = stubs.add_subparsers(dest="action", required=True, metavar="ACTION")
    stub = stub_verbs.add_parser("add", help="stub an answer (POST /_mock/stubs)")
    _matchers(stub, "to answer")
    stub.add_argument("--status", type=int)
    body = stub.add_mutually_exclusive_group()
    body.add_argument("--json", metavar="JSON", dest="stub_json", help="the body, as JSON")
    body.add_argument("--body", help="the body as text")
    body.add_argument("--patch", metavar="JSON", help="a JSON Patch (a list of ops) to apply")
    stub.add_argument(
        "--header", action="append", default=[], metavar="NAME:VALUE", help="repeatable"
    )
    leaf(stub_verbs, "list", help="the stubs, with their hits")
    stubs_clear = leaf(stub_verbs, "clear", help="remove every stub (or one vendor's)")
    stubs_clear.add_argument("--vendor")
