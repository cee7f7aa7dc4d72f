"""Where a job goes: OSAPI's ``valid_target`` rule and the agents a target reaches.

``_any`` is one agent (a NATS queue group: jobmock picks it from the job's seed), ``_all`` every
agent, ``key:value`` every agent whose label matches hierarchically (``group:web`` reaches
``group=web.dev.us-east``), anything else the agent of that hostname.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from jobmock.core import golang
from jobmock.core.generate import Rng
from jobmock.vendors.osapi.records import Agent

ANY = "_any"
ALL = "_all"
_SEGMENT = re.compile(r"^[a-zA-Z0-9_-]+$")


def label_of(target: str) -> tuple[str, str] | None:
    index = target.find(":")
    if 0 < index < len(target) - 1:
        return target[:index], target[index + 1 :]
    return None


def is_broadcast(target: str) -> bool:
    """``job.IsBroadcastTarget``: ``_all`` or a label selector."""
    return target == ALL or ":" in target


def is_valid(target: str, agents: Mapping[str, Agent]) -> bool:
    """``validation.validTarget``: routing values, a label some agent carries, a known host."""
    if target in (ANY, ALL):
        return True
    label = label_of(target)
    if label is not None:
        key, value = label
        if not _SEGMENT.match(key) or not all(_SEGMENT.match(s) for s in value.split(".")):
            return False
        return any(agent.matches_label(key, value) for agent in agents.values())
    return target in agents


def not_found_hint(target: str) -> str:
    return f"target agent {golang.quote(target)} not found"


def reached(target: str, agents: Mapping[str, Agent], rng: Rng) -> list[Agent]:
    """The agents a job sent to ``target`` runs on, in hostname order."""
    if target == ALL:
        chosen = list(agents.values())
    elif target == ANY:
        ready = [agent for agent in agents.values() if agent.responds]
        chosen = [rng.choice(sorted(ready, key=lambda a: a.hostname))] if ready else []
    elif (label := label_of(target)) is not None:
        chosen = [agent for agent in agents.values() if agent.matches_label(*label)]
    else:
        agent = agents.get(target)
        chosen = [agent] if agent is not None else [Agent(target)]
    return sorted(chosen, key=lambda a: a.hostname)
