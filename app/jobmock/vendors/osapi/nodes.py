"""The node endpoints' answers: one result item per agent that replied in time.

A domain endpoint publishes its job and waits (30 s) for the replies it needs: the first one for
a single target, every targeted agent's for a broadcast. The items are built from those replies
the way the seed-era handlers do (spec/osapi.md §8.1, the ``*CollectionResponse`` schemas).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from jobmock.core.errors import BadRequest, ServerError
from jobmock.core.fixture_files import describe_error, format_loc
from jobmock.vendors.osapi import binding
from jobmock.vendors.osapi.agent_runs import RESPONSE_TIMEOUT, uptime_text
from jobmock.vendors.osapi.fixture_models import OutcomeFixture
from jobmock.vendors.osapi.records import OsapiJob, Outcome, Reply
from jobmock.vendors.osapi.targets import is_broadcast

_OUTCOMES = TypeAdapter(dict[str, OutcomeFixture])
SINGLE_TIMEOUT = (
    "failed to publish and wait: timeout waiting for job response: context deadline exceeded"
)
BROADCAST_TIMEOUT = (
    "failed to collect broadcast responses: timeout waiting for broadcast responses: "
    "no agents responded"
)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _refused(reply: Reply) -> dict[str, Any]:
    return {"error": reply.error or "", "hostname": reply.hostname, "status": reply.status}


def hostname_item(reply: Reply) -> dict[str, Any]:
    data = _mapping(reply.data)
    item: dict[str, Any] = {
        "changed": False,
        "hostname": data.get("hostname") or reply.hostname,
        "status": "ok",
    }
    if data.get("labels"):
        item["labels"] = data["labels"]
    return item


def status_item(reply: Reply) -> dict[str, Any]:
    data = _mapping(reply.data)
    load = _mapping(data.get("load_averages"))
    memory = _mapping(data.get("memory_stats"))
    os_info = _mapping(data.get("os_info"))
    item: dict[str, Any] = {
        "changed": False,
        "disks": [
            {
                "free": d.get("Free"),
                "name": d.get("Name"),
                "total": d.get("Total"),
                "used": d.get("Used"),
            }
            for d in data.get("disk_usage") or []
            if isinstance(d, Mapping)
        ],
        "hostname": data.get("hostname") or reply.hostname,
        "status": "ok",
        "uptime": uptime_text(int(data.get("uptime") or 0)),
    }
    if load:
        item["load_average"] = {
            "15min": load.get("Load15"),
            "1min": load.get("Load1"),
            "5min": load.get("Load5"),
        }
    if memory:
        # The handler reports the provider's Cached bytes as "used".
        item["memory"] = {
            "free": memory.get("Free"),
            "total": memory.get("Total"),
            "used": memory.get("Cached"),
        }
    if os_info:
        item["os_info"] = {
            "distribution": os_info.get("Distribution"),
            "version": os_info.get("Version"),
        }
    return item


def shell_item(reply: Reply) -> dict[str, Any]:
    data = _mapping(reply.data)
    return {
        "changed": data.get("changed", False),
        "duration_ms": data.get("duration_ms", 0),
        "exit_code": data.get("exit_code", 0),
        "hostname": reply.hostname,
        "status": "ok",
        "stderr": data.get("stderr", ""),
        "stdout": data.get("stdout", ""),
    }


ITEMS: dict[str, Callable[[Reply], dict[str, Any]]] = {
    "node.hostname.get": hostname_item,
    "node.status.get": status_item,
    "command.shell.execute": shell_item,
}


def collect(job: OsapiJob, operation: str) -> dict[str, Any]:
    """The endpoint's body for a job it just published, or the 500 the controller answers."""
    firsts: dict[str, Reply] = {}
    for reply in job.replies:
        if reply.offset <= RESPONSE_TIMEOUT:
            firsts.setdefault(reply.hostname, reply)
    item = ITEMS[operation]
    if not is_broadcast(job.target):
        if not firsts:
            raise ServerError(SINGLE_TIMEOUT, reason="handler")
        first = min(firsts.values(), key=lambda r: r.offset)
        if first.status == "failed":
            raise ServerError(f"job failed: {first.error}", reason="handler")
        results = [_refused(first) if first.status == "skipped" else item(first)]
    else:
        if not firsts:
            raise ServerError(BROADCAST_TIMEOUT, reason="handler")
        results = [
            item(reply) if reply.status == "completed" else _refused(reply)
            for _, reply in sorted(firsts.items())
        ]
    return {"job_id": job.job_id, "results": results}


def parse_outcomes(header: str | None) -> dict[str, Outcome] | None:
    """``X-Jobmock-Outcomes``: what the agents do with this job, by hostname (or ``"*"``), e.g.
    ``{"db-01": {"status": "failed", "error": "disk full"}}``."""
    if not header:
        return None
    try:
        given = _OUTCOMES.validate_json(header)
    except ValidationError as exc:
        problems = "; ".join(
            f"{format_loc(err['loc']) or 'value'}: {describe_error(err)}"
            for err in exc.errors(include_url=False)
        )
        raise BadRequest(f"X-Jobmock-Outcomes: {problems}", reason="outcomes") from None
    return {host: Outcome(o.status, o.error, o.failures) for host, o in given.items()}


def shell_data(body: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a CommandShellRequest and build ``job.CommandShellData`` (empty fields omitted)."""
    problems = []
    command = body.get("command")
    if not command:
        problems.append(binding.validator_error("CommandShellRequest", "Command", "required"))
    timeout = body.get("timeout")
    if timeout is not None and not 1 <= timeout <= 300:
        tag = "min" if timeout < 1 else "max"
        problems.append(binding.validator_error("CommandShellRequest", "Timeout", tag))
    if problems:
        raise binding.bad_request("; ".join(problems))
    data: dict[str, Any] = {"command": command}
    if body.get("cwd"):
        data["cwd"] = body["cwd"]
    if timeout:
        data["timeout"] = timeout
    return data
