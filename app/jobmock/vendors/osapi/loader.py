"""Fixture models -> records: agents, settings, and jobs as timelines of agent events.

Problems are raised as ``Invalid(loc, message)``; the caller turns them into a ``FixtureError``
naming file and line (at startup) or a 400 (``POST /_mock/jobs/osapi``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from jobmock.core import golang
from jobmock.core.fixture_files import FixtureError, FixtureProblem, Invalid, LoadedFile, Loc
from jobmock.core.generate import Generator
from jobmock.vendors.osapi.fixture_models import AgentFixture, GenerateFixture, OsapiFixtureFile
from jobmock.vendors.osapi.jwt.permissions import BUILTIN_ROLES
from jobmock.vendors.osapi.records import Agent, OsapiJob, Outcome

DEFAULT_TTL = 3600 * golang.NS_PER_SECOND
DEFAULT_AGENTS = (Agent("web-01", MappingProxyType({"group": "web"})),)


@dataclass
class OsapiData:
    """Everything the OSAPI fixtures define, indexed for O(1) lookups."""

    agents: dict[str, Agent] = field(default_factory=dict)
    jobs: dict[str, OsapiJob] = field(default_factory=dict)
    signing_key: str | None = None
    roles: dict[str, frozenset[str]] = field(default_factory=lambda: dict(BUILTIN_ROLES))
    job_ttl: int | None = DEFAULT_TTL
    redeliver: bool = False
    generate: list[tuple[LoadedFile, int, GenerateFixture]] = field(default_factory=list)
    """The ``generate:`` blocks, with where they were written (built by ``generated.py``)."""

    @property
    def kv_writes(self) -> int:
        """Keys the fixture jobs wrote: the KV revision a new job continues from."""
        return sum(1 + len(job.events) + len(job.replies) for job in self.jobs.values())


def agent_record(fx: AgentFixture) -> Agent:
    return Agent(
        hostname=fx.hostname,
        labels=MappingProxyType(dict(fx.labels)),
        distribution=fx.os.distribution,
        version=fx.os.version,
        outcomes=MappingProxyType(
            {op: Outcome(o.status, o.error, o.failures) for op, o in fx.outcomes.items()}
        ),
        responds=fx.responds,
    )


def load(files: Sequence[LoadedFile], generator: Generator) -> OsapiData:
    from jobmock.vendors.osapi.fixture_jobs import job_record

    data = OsapiData()
    problems: list[FixtureProblem] = []
    parsed: list[tuple[LoadedFile, OsapiFixtureFile]] = []
    for f in files:
        try:
            parsed.append((f, f.validate(OsapiFixtureFile)))
        except FixtureError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FixtureError(problems)
    seen: dict[tuple[str, str], str] = {}

    def unique(kind: str, key: str, f: LoadedFile, loc: Loc) -> bool:
        if (kind, key) in seen:
            problems.append(
                f.problem(loc, f"duplicate {kind} {key!r} (first defined at {seen[(kind, key)]})")
            )
            return False
        seen[(kind, key)] = f"{f.name}:{f.line_of(loc)}"
        return True

    for f, doc in parsed:
        if doc.security is not None and unique("section", "security", f, ("security",)):
            data.signing_key = doc.security.signing_key
            for name, role in doc.security.roles.items():
                data.roles[name] = frozenset(role.permissions)
        if doc.server is not None and unique("section", "server", f, ("server",)):
            ttl = doc.server.job_ttl
            data.job_ttl = DEFAULT_TTL if ttl is None else (ttl or None)
            data.redeliver = doc.server.redeliver_failed
        data.generate.extend((f, i, spec) for i, spec in enumerate(doc.generate))
        for i, agent in enumerate(doc.agents):
            if unique("agent", agent.hostname, f, ("agents", i, "hostname")):
                data.agents[agent.hostname] = agent_record(agent)
    if problems:
        raise FixtureError(problems)
    if not data.agents:
        data.agents = {agent.hostname: agent for agent in DEFAULT_AGENTS}
    for f, doc in parsed:
        for i, job_fx in enumerate(doc.jobs):
            base: Loc = ("jobs", i)
            try:
                job = job_record(job_fx, data, generator, id_key=(f.name, i))
            except Invalid as exc:
                problems.append(f.problem(base + exc.loc, exc.message))
                continue
            if unique("job", job.job_id, f, (*base, "id")):
                data.jobs[job.job_id] = job
    if problems:
        raise FixtureError(problems)
    return data


def signing_key(data: OsapiData, environ: dict[str, str]) -> str:
    """Fixtures first, then JOBMOCK_OSAPI_SIGNING_KEY, then the documented default."""
    return data.signing_key or environ.get(ENV_KEY) or DEFAULT_SIGNING_KEY


ENV_KEY = "JOBMOCK_OSAPI_SIGNING_KEY"
DEFAULT_SIGNING_KEY = "jobmock-osapi-signing-key"


def describe(data: OsapiData) -> str:
    return f"{len(data.jobs)} jobs, {len(data.agents)} agents, {len(data.roles)} roles"
