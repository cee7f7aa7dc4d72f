"""``jobmock``: serve | validate | routes | openapi | health | token | generate | record | ctl.

The CLI only turns arguments into ``Settings`` and calls into the app; ``main(argv)`` is testable
without a subprocess. Flags win over ``JOBMOCK_*`` environment variables, which win over defaults.
``parser`` declares the commands, ``serving`` runs the server and prints its log, ``commands``
holds the others.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from jobmock.cli import record
from jobmock.cli.commands import generate, health, openapi, routes, token, validate
from jobmock.cli.common import fail
from jobmock.cli.ctl import ctl
from jobmock.cli.parser import build_parser
from jobmock.cli.serving import serve


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # a shell asking argcomplete for completions (docs/cli.md)
        _complete(parser)
    try:
        code = _run(parser.parse_args(argv))
        sys.stdout.flush()  # a reader that has gone (``| head``) shows here, not at exit
    except BrokenPipeError:
        # Python's recipe: whatever is still buffered goes nowhere, and the exit is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


def _complete(parser: argparse.ArgumentParser) -> None:
    try:
        import argcomplete
    except ImportError:
        return
    argcomplete.autocomplete(parser)


def _problem(err: Any) -> str:
    """One settings error: the field, when it is about one, and what is wrong."""
    where = ".".join(str(part) for part in err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


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
        if args.command == "record":
            return record.run(args)
        if args.command == "ctl":
            return ctl(args)
    except FixtureError as exc:
        return fail(f"invalid fixtures:\n{exc}")
    except ValidationError as exc:
        problems = "; ".join(_problem(err) for err in exc.errors())
        return fail(f"invalid settings: {problems}")
    raise AssertionError(args.command)  # pragma: no cover - argparse rejects unknown commands
