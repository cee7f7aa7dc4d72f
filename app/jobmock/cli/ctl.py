"""``jobmock ctl``: a running jobmock's control API from a shell, one verb per endpoint, through
the same ``RemoteHandle`` the pytest plugin uses against a container.

Exit codes: 0 done; 1 the server refused (its status and ``error`` are printed); 2 bad usage
(argparse, or a value ctl itself cannot read); 3 the server cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from jobmock.cli.common import fail, out

if TYPE_CHECKING:
    from jobmock.testing.handle import RemoteHandle
    from jobmock.testing.records import RequestRecord

UNREACHABLE = 3
REFUSED = 1
DEFAULT_URL = "http://127.0.0.1:8000"


class UsageError(ValueError):
    """A value ctl cannot turn into a request (bad JSON in --json, a header without a colon)."""


def ctl(args: argparse.Namespace) -> int:
    import httpx

    from jobmock.testing.handle import JobmockError, RemoteHandle

    url = args.url or os.environ.get("JOBMOCK_URL") or DEFAULT_URL
    token = args.token or os.environ.get("JOBMOCK_CONTROL_TOKEN") or None
    handle = RemoteHandle(url, token=token, timeout=args.timeout)
    try:
        return _verb(handle, args)
    except JobmockError as exc:
        out(f"jobmock ctl: {url} refused: {exc}", sys.stderr)
        return REFUSED
    except httpx.TransportError as exc:
        reason = str(exc) or type(exc).__name__
        out(
            f"jobmock ctl: cannot reach jobmock at {url}: {reason} (is it running? "
            "give its root with --url or JOBMOCK_URL)",
            sys.stderr,
        )
        return UNREACHABLE
    except UsageError as exc:
        return fail(f"ctl: {exc}")
    except KeyboardInterrupt:  # the way out of --tail
        return 0
    finally:
        handle.close()


def _verb(handle: RemoteHandle, args: argparse.Namespace) -> int:
    call = handle._call  # ctl is the control API verb for verb: its raw answers
    if args.verb == "clock":
        if args.move in (None, "show"):
            return _clock(args, call("GET", "/clock"))
        bodies: dict[str, dict[str, Any]] = {
            "advance": {"advance": _duration(getattr(args, "duration", ""))},
            "set": {"set": getattr(args, "time", None)},
            "freeze": {"freeze": True},
            "resume": {"freeze": False},
        }
        body = bodies[args.move]
        if args.move == "resume" and args.scale is not None:
            body["scale"] = args.scale
        return _clock(args, call("POST", "/clock", body))
    if args.verb == "reset":
        return _clock(args, call("POST", "/reset"))
    if args.verb == "requests":
        return _requests(handle, args)
    prefix = "/" + args.verb  # faults, stubs
    if args.action == "add":
        answer = call("POST", prefix, _rule(args))
        shown = json.dumps(answer) if getattr(args, "json", False) else None
        out(shown or f"added {args.verb[:-1]} {answer['id']}")
    elif args.action == "list":
        listed = call("GET", prefix)[args.verb]
        if args.json:
            out(json.dumps(listed))
        for item in [] if args.json else listed:
            out(json.dumps(item))
    elif args.action == "clear":
        call("DELETE", prefix, params={"vendor": args.vendor} if args.vendor else None)
    else:  # remove
        call("DELETE", f"{prefix}/{args.id}")
    return 0


def _duration(text: str) -> str | float:
    try:
        return float(text)
    except ValueError:
        return text  # "5m": the server reads it, and says what it accepts if it cannot


def _clock(args: argparse.Namespace, answer: dict[str, Any]) -> int:
    if args.json:
        out(json.dumps(answer))
    else:
        out(f"{answer['now']}  {answer['mode']} clock, scale {answer['scale']:g}")
    return 0


def _json_value(flag: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{flag}: not JSON ({exc})") from None


def _rule(args: argparse.Namespace) -> dict[str, Any]:
    """The body of ``POST /_mock/faults`` or ``/_mock/stubs`` from the flags given."""
    rule: dict[str, Any] = {"vendor": args.vendor}
    for name in ("operation", "method", "path", "job", "times", "status"):
        if getattr(args, name) is not None:
            rule[name] = getattr(args, name)
    if args.always:
        rule["times"] = None
    if args.verb == "faults":
        for name in ("retry_after", "message", "probability", "seed"):
            if getattr(args, name) is not None:
                rule[name] = getattr(args, name)
        for name in ("drop", "truncate", "malformed"):
            if getattr(args, name):
                rule[name] = True
        if args.delay is not None:
            bounds = [_json_value("--delay", part) for part in args.delay.split(",")]
            rule["delay"] = bounds[0] if len(bounds) == 1 else bounds
        if args.calls is not None:
            rule["calls"] = [_json_value("--calls", part) for part in args.calls.split(",")]
        return rule
    if args.stub_json is not None:
        rule["json"] = _json_value("--json", args.stub_json)
    if args.body is not None:
        rule["body"] = args.body
    if args.patch is not None:
        rule["patch"] = _json_value("--patch", args.patch)
    headers = {}
    for header in args.header:
        name, colon, value = header.partition(":")
        if not colon or not name.strip():
            raise UsageError(f"--header {header!r}: expected NAME:VALUE")
        headers[name.strip()] = value.strip()
    if headers:
        rule["headers"] = headers
    return rule


def _requests(handle: RemoteHandle, args: argparse.Namespace) -> int:
    from jobmock.testing.records import RequestRecord

    filters = {n: getattr(args, n) for n in ("vendor", "method", "path", "job", "operation")}
    if args.har:
        out(json.dumps(handle.har(**filters)))
        return 0
    last = 0
    while True:
        entries = handle._journal(**filters)  # the JSON, as --json prints it
        if entries and entries[-1]["seq"] < last:
            last = 0  # the server reloaded: its count started over
        for entry in entries:
            if entry["seq"] > last:
                record = RequestRecord.from_dict(entry)
                line = json.dumps(entry) if args.json else _request_line(record)
                out(line)
        sys.stdout.flush()
        last = entries[-1]["seq"] if entries else last
        if not args.tail:
            return 0
        time.sleep(args.interval)  # a shell user's follow mode, on wall time


def _request_line(record: RequestRecord) -> str:
    extra = [f"fault {record.fault}"] if record.fault is not None else []
    extra += [f"did you mean {record.suggestion}?"] if record.suggestion else []
    clock = record.at[11:19]
    return f"{clock} {record.describe()}" + (f"  {'; '.join(extra)}" if extra else "")
