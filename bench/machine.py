"""CPU time from /proc: a process tree's (the server measured), the whole machine's, and what
is left for everyone else, so a benchmark can tell its own load from other people's."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: fields start after the last ')'.
    return text[text.rindex(")") + 2 :].split()


def tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def process_cpu(pids: list[int]) -> float:
    """Seconds of CPU the processes ``pids`` (all their threads) have used."""
    ticks = 0
    for pid in pids:
        if (fields := _stat(pid)) is not None:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / TICK


def machine_cpu() -> float:
    """Seconds of CPU every process on the machine has used (user, nice, system: interrupts
    are left out, as loopback traffic lands there and belongs to no one in particular)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return sum(int(v) for v in fields[1:4]) / TICK


def own_cpu() -> float:
    """Seconds of CPU this process and its waited-for children (wrk runs) have used."""
    me, children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.user + me.system + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Snapshot:
    at: float
    machine: float
    own: float
    servers: float

    @classmethod
    def take(cls, servers: list[int]) -> Snapshot:
        return cls(time.perf_counter(), machine_cpu(), own_cpu(), process_cpu(servers))


def others_cores(before: Snapshot, after: Snapshot) -> float:
    """Cores other people's processes used between two snapshots: the machine's CPU less ours
    (this script, the load generator, every server it started)."""
    ours = (after.own - before.own) + (after.servers - before.servers)
    return max(0.0, (after.machine - before.machine) - ours) / (after.at - before.at)


def quiet_for(seconds: float, servers: list[int]) -> float:
    """Cores other processes used over ``seconds`` while we wait."""
    before = Snapshot.take(servers)
    time.sleep(seconds)
    return others_cores(before, Snapshot.take(servers))
