"""Intuned: the Jobs and JobRuns API (``https://app.intuned.io/api/v1/workspace``).

Emulated, under ``/{workspaceId}/projects/{projectName}``, with Intuned's operation ids:

- ``GET /jobs`` (getJobs), ``POST /jobs`` (createJob, 201), ``GET|PUT|DELETE /jobs/{jobId}``
  (getJob, updateJob, deleteJob 204)
- ``POST /jobs/{jobId}/pause|resume|trigger`` (pauseJob ``Paused``, resumeJob ``Resumed``,
  triggerJob -> a ``jr_...`` JobRun that moves ``PENDING`` -> ``SUCCESS`` on the clock)
- ``GET /jobs/{jobId}/runs`` (getJobRuns: ``pageSize``, ``pageNumber``, ``sortBy``),
  ``GET /jobs/{jobId}/runs/{jobRunId}`` (getJobRun, the seed document),
  ``POST /jobs/{jobId}/runs/{jobRunId}/terminate`` (terminateJobRun)

Auth: ``x-api-key``, scoped to one workspace. Errors are Intuned's envelope
``{code, category, message, retirable, details?, correlationId}``. Rate limit (with
``--rate-limits`` or the fixtures' ``rate_limit``): 20 requests a minute per path, 429 with
``Retry-After``.

Version: the "Intuned Client" OpenAPI excerpts 0.0.2, as parsed by ``intuned-client`` 1.1.1.
Choices where the docs are silent or contradict themselves follow spec/intuned.md §9: ``jr_`` run
ids (any id accepted), mixed casing exactly as documented, pages from 0.

Webhook sinks and notifications are called on the mock clock, and ``results.signed_url``
downloads from jobmock itself (docs/webhooks.md).

Known gaps: schedule ``calendars`` are stored but do not fire, and ``jitter`` is not applied;
payloads are counted, not run (an API run's output is jobmock's); S3 sinks are stored, never
written; auth sessions, projects and the Runs API (``projects.runs``) have no endpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.core.durations import format_duration
from jobmock.core.ratelimit import RateLimitRule
from jobmock.core.vendor import Vendor, VendorSpec
from jobmock.vendors.intuned.scenarios import SCENARIOS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jobmock.core.export import FixtureReader
    from jobmock.core.recording.vendor import VendorRecorder
    from jobmock.core.vendor import VendorApp, VendorContext
    from jobmock.vendors.intuned.fixture_models import GenerateFixture
    from jobmock.vendors.intuned.generated import GeneratedSet
    from jobmock.vendors.intuned.loader import IntunedData


def rate_limit(limit: int = 20, window: float = 60.0) -> RateLimitRule:
    """Intuned's limit: "20 requests per minute per URI path" (Client APIs intro)."""
    per = "minute" if window == 60 else format_duration(window)
    message = f"Too many requests: the limit is {limit} requests per {per} per path."
    return RateLimitRule(limit=limit, window=window, per="path", message=message)


SPEC = VendorSpec(
    slug="intuned",
    title="Intuned Client",
    api_version="0.0.2",
    real_base_url="https://app.intuned.io/api/v1/workspace",
    base_path="/api/v1/workspace",
    job_params=("runId", "jobId"),
    default_credentials=(
        "x-api-key: intuned_test_key (workspace 123e4567-e89b-12d3-a456-426614174000)"
    ),
    rate_limit=rate_limit(),
    scenarios=SCENARIOS,
)


def create(ctx: VendorContext) -> VendorApp:
    from jobmock.core.lazy_app import lazy_vendor_app
    from jobmock.core.vendor import VendorApp
    from jobmock.vendors.intuned.backend import IntunedBackend
    from jobmock.vendors.intuned.errors import render_error
    from jobmock.vendors.intuned.generated import load_sets
    from jobmock.vendors.intuned.loader import load
    from jobmock.vendors.intuned.operations import OPERATIONS

    data = load(ctx.fixture_files(), ctx.generator)
    backend = IntunedBackend(data, ctx.store, ctx.generator, load_sets(data, ctx.generator))
    app = lazy_vendor_app(
        SPEC,
        OPERATIONS,
        backend,
        render_error,
        description=__doc__ or "",
        servers=[{"url": "https://app.intuned.io", "description": "the real Intuned"}],
    )
    wanted = data.rate_limit
    limit = rate_limit(wanted.limit, wanted.window) if wanted and wanted.enabled else None
    return VendorApp(SPEC, app, backend, render_error, OPERATIONS, rate_limit=limit)


#: What a generated job needs from its folder: its workspace (keys), project, rate limit.
EXPORT_SECTIONS = ("workspaces", "projects", "rate_limit")


def fixture_reader() -> FixtureReader[IntunedData, GenerateFixture, GeneratedSet]:
    """An Intuned folder: it provides the workspace and project of generated jobs."""
    from jobmock.core.export import FixtureReader
    from jobmock.core.generate import Generator
    from jobmock.vendors.intuned.fixture_models import GenerateFixture
    from jobmock.vendors.intuned.generated import build_set, load_sets
    from jobmock.vendors.intuned.loader import load

    def describe(data: IntunedData, sets: Sequence[GeneratedSet]) -> str:
        runs = sum(len(ids) for ids in data.run_ids.values())
        generated = ""
        if sets:
            jobs = sum(g.count for g in sets)
            generated = f", {jobs} generated jobs with {sum(g.count * g.runs for g in sets)} runs"
        return (
            f"{len(data.jobs)} jobs, {runs} runs{generated}, {len(data.projects)} projects, "
            f"{len(data.workspaces)} workspaces"
        )

    return FixtureReader(
        load=lambda files: load(files, Generator()),
        load_sets=lambda data: load_sets(data, Generator()),
        describe=describe,
        block=GenerateFixture,
        build_set=lambda spec, data: build_set(spec, data, Generator()),
        sections=EXPORT_SECTIONS,
    )


def recorder() -> VendorRecorder:
    from jobmock.vendors.intuned.record import IntunedRecorder

    return IntunedRecorder()


VENDOR = Vendor(SPEC, create, fixture_reader, recorder=recorder)
