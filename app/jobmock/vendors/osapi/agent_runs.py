"""What an agent does with a job: when it acknowledges, starts and ends it, and what it answers.

Timings are realistic for OSAPI agents on a LAN (milliseconds; ``sleep N`` in a shell command
takes N seconds), drawn from a generator seeded by the job, so the same job always unfolds the
same way. Results follow the shapes of spec/osapi.md §8.1.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jobmock.core import golang
from jobmock.core.generate import Rng
from jobmock.vendors.osapi.records import SKIPPED_ERROR, Agent, Event, Outcome, Reply

MS = 1_000_000
SECOND = golang.NS_PER_SECOND
#: How long a domain endpoint waits for agents before answering 500 (spec/osapi.md §9.2).
RESPONSE_TIMEOUT = 30 * SECOND
#: JetStream's redelivery schedule for a failed job: back_off, then max_deliver.
BACK_OFF = (30 * SECOND, 120 * SECOND, 300 * SECOND, 900 * SECOND)
MAX_DELIVER = 5
DEFAULT_ERRORS = {
    "command.shell.execute": "command execution failed: fork/exec /bin/sh: permission denied",
    "command.exec.execute": "command execution failed: exec: not found",
}
SUPPORTED = ("node.hostname.get", "node.status.get", "command.shell.execute")


def failure_text(operation: str, outcome: Outcome) -> str:
    if outcome.error:
        return outcome.error
    if outcome.status == "skipped":
        return SKIPPED_ERROR
    return DEFAULT_ERRORS.get(operation, f"{operation}: operation failed")


@dataclass(frozen=True, slots=True)
class Run:
    """One delivery's result: how long it ran and what it answered."""

    duration: int
    data: Any


def run(
    operation: str,
    data: Any,
    agent: Agent,
    rng: Rng,
    *,
    now: int,
    uptime: int,
    modify: bool,
) -> Run:
    """What ``agent`` answers to ``operation`` (a successful run) and how long it takes."""
    if operation == "node.hostname.get":
        result: dict[str, Any] = {"changed": False, "hostname": agent.hostname}
        if agent.labels:
            result["labels"] = dict(agent.labels)
        return Run(_jitter(rng, 1 * MS, 4 * MS), result)
    if operation == "node.status.get":
        return Run(_jitter(rng, 40 * MS, 180 * MS), node_status(agent, rng, uptime))
    if operation in ("command.shell.execute", "command.exec.execute"):
        fields = data if isinstance(data, Mapping) else {}
        command = str(fields.get("command", ""))
        if operation == "command.exec.execute":
            command = shlex.join([command, *map(str, fields.get("args") or [])])
        return shell(command, str(fields.get("cwd") or ""), agent, rng, now=now, uptime=uptime)
    return Run(_jitter(rng, 1 * MS, 20 * MS), {"changed": modify})


def _jitter(rng: Rng, low: int, high: int) -> int:
    return rng.randint(low, high)


def node_status(agent: Agent, rng: Rng, uptime: int) -> dict[str, Any]:
    """``node.status.get``: provider structs without JSON tags, so Go field names as keys."""
    gib = 1024**3
    total = rng.choice((8, 16, 32, 64)) * gib
    free = rng.randint(total // 10, total // 2)
    cached = rng.randint(total // 20, total // 5)
    disk_total = rng.choice((50, 100, 250, 500)) * 1000**3
    used = rng.randint(disk_total // 10, disk_total * 8 // 10)
    load1 = round(rng.uniform(0.02, 2.5), 2)
    return {
        "changed": False,
        "disk_usage": [
            {
                "Free": disk_total - used,
                "Name": "/dev/sda1",
                "Total": disk_total,
                "Used": used,
                "changed": False,
            }
        ],
        "hostname": agent.hostname,
        "load_averages": {
            "Load1": load1,
            "Load15": round(max(0.01, load1 * rng.uniform(0.6, 1.1)), 2),
            "Load5": round(max(0.01, load1 * rng.uniform(0.8, 1.2)), 2),
            "changed": False,
        },
        "memory_stats": {
            "Available": free + cached,
            "Cached": cached,
            "Free": free,
            "Total": total,
            "changed": False,
        },
        "os_info": {"Distribution": agent.distribution, "Version": agent.version, "changed": False},
        "uptime": uptime,
    }


#: The longest command split the way ``sh`` would (4 KiB: about 1 ms).
SHLEX_MAX = 4096


def shell(command: str, cwd: str, agent: Agent, rng: Rng, *, now: int, uptime: int) -> Run:
    """A plausible ``/bin/sh -c command``: a few common commands answer for real."""
    try:
        # shlex is pure Python and worse than linear: a long command is split on whitespace
        words = shlex.split(command) if len(command) <= SHLEX_MAX else command.split()
    except ValueError:
        words = command.split()
    name = words[0] if words else ""
    stdout, code = "", 0
    duration = _jitter(rng, 2 * MS, 40 * MS)
    if name == "sleep" and len(words) == 2:
        try:
            duration = int(float(words[1]) * SECOND) + _jitter(rng, 1 * MS, 3 * MS)
        except ValueError:
            stdout, code = "", 1
    elif name == "echo":
        stdout = " ".join(words[1:]) + "\n"
    elif name == "hostname":
        stdout = agent.hostname + "\n"
    elif name == "whoami":
        stdout = "root\n"
    elif name == "pwd":
        stdout = (cwd or "/") + "\n"
    elif name == "false":
        code = 1
    elif name == "exit" and len(words) == 2 and words[1].isdigit():
        code = int(words[1]) % 256
    elif name == "date":
        stdout = golang.from_ns(now).strftime("%a %b %e %H:%M:%S UTC %Y") + "\n"
    elif name == "uptime":
        stdout = _uptime_line(now, uptime, rng)
    data = {
        "changed": True,
        "duration_ms": duration // MS,
        "exit_code": code,
        "stderr": "",
        "stdout": stdout,
    }
    return Run(duration, data)


def _uptime_line(now: int, uptime: int, rng: Rng) -> str:
    clock = golang.from_ns(now).strftime("%H:%M:%S")
    minutes = uptime // (60 * SECOND)
    days, rest = divmod(minutes, 24 * 60)
    load = [round(rng.uniform(0.02, 1.5), 2) for _ in range(3)]
    return (
        f" {clock} up {days} days, {rest // 60:2d}:{rest % 60:02d},  0 users,  "
        f"load average: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}\n"
    )


def uptime_text(uptime: int) -> str:
    """The node endpoint's ``uptime``: ``"3 days, 4 hours, 1 minute"``."""
    minutes = uptime // (60 * SECOND)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60

    def unit(n: int, word: str) -> str:
        return f"{n} {word}" if n == 1 else f"{n} {word}s"

    return f"{unit(days, 'day')}, {unit(hours, 'hour')}, {unit(mins, 'minute')}"


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything one agent will write for a job, ``offset``s from the job's creation."""

    events: tuple[Event, ...]
    replies: tuple[Reply, ...]


def plan_agent(
    agent: Agent,
    operation: str,
    data: Any,
    rng: Rng,
    *,
    start: int,
    created: int,
    uptime: int,
    modify: bool,
    redeliver: bool,
) -> Plan:
    """The deliveries of one job to one agent, from ``start`` ns after the job's creation:
    acknowledged, started, the reply, then completed/failed/skipped; a failed delivery comes
    back after JetStream's back-off when ``redeliver`` is on."""
    if not agent.responds:
        return Plan((), ())
    outcome = agent.outcome(operation)
    events: list[Event] = []
    replies: list[Reply] = []
    host = agent.hostname
    at = start
    for delivery in range(MAX_DELIVER):
        ack = at + _jitter(rng, 2 * MS, 25 * MS)
        begun = ack + _jitter(rng, 200_000, 2 * MS)
        status = outcome.status
        if status == "failed" and outcome.failures is not None and delivery >= outcome.failures:
            status = "completed"
        if status == "completed":
            result = run(
                operation, data, agent, rng, now=created + begun, uptime=uptime, modify=modify
            )
            end = begun + result.duration + _jitter(rng, 100_000, 1_500_000)
        else:
            result = Run(0, None)
            end = begun + _jitter(rng, 100_000, 3 * MS)
        replied = end - _jitter(rng, 50_000, min(400_000, end - begun))
        events += [Event(ack, "acknowledged", host), Event(begun, "started", host)]
        if status == "completed":
            changed = result.data.get("changed") if modify else None
            replies.append(
                Reply(
                    replied,
                    host,
                    "completed",
                    data=result.data,
                    has_data=True,
                    changed=changed if isinstance(changed, bool) else None,
                )
            )
            events.append(Event(end, "completed", host))
            break
        error = failure_text(operation, outcome)
        replies.append(Reply(replied, host, status, error=error))
        events.append(Event(end, status, host, error=error))
        if status == "skipped" or not redeliver or delivery + 1 >= MAX_DELIVER:
            break
        at = end + BACK_OFF[min(delivery, len(BACK_OFF) - 1)]
    return Plan(tuple(events), tuple(replies))
