"""nunu.ai: jobs and runs of the public REST API (``https://nunu.ai/api/v1``).

Emulated, on both path styles (legacy ``/api/v1/...`` with the project taken from the key, and
``/api/v1/project/{projectId}/...``):

- ``GET /jobs/{jobId}`` and ``GET /runs/{runId}`` (the seed documents)
- ``GET /jobs`` and ``GET /runs`` with their filters, newest first, ``{data, pagination}``
- ``POST /runs`` (a multiplayer test, a test plan, or ephemeral instructions) -> jobs that move
  ``QUEUED -> STARTING -> RUNNING -> COMPLETED`` on the clock
- ``POST /runs/stop`` -> ``STOPPING -> CLEANING_UP -> COMPLETED``, run result ``STOPPED``

Auth: ``X-Api-Key``; project keys (``nunu_...``) and organisation keys (``nunu_org_...``, scoped
routes only), permissions ``project:read-runs`` / ``project:operate-runs``, expired and disabled
keys, checked in the order of spec/nunu.md §3. Errors are ``{"error": "..."}``.

Version: the latest published OpenAPI (uppercase enums, 8 run results). Choices where the vendor
docs contradict themselves follow spec/nunu.md §9: 11-character run ids, float run
``duration_ms``, slug ``project_id``, 1-based ``player_number``.

Known gaps: one run per job (retry attempts are counted in ``retries`` but not run again);
``run_on_all_configured_devices`` and per-player deployment configs are accepted but every player
uses the first config; builds, tests, test plans, bugs, live runs and artifacts have no endpoints
of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.core.vendor import Vendor, VendorSpec
from jobmock.vendors.nunu.scenarios import SCENARIOS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jobmock.core.export import FixtureReader
    from jobmock.core.recording.vendor import VendorRecorder
    from jobmock.core.vendor import VendorApp, VendorContext
    from jobmock.vendors.nunu.fixture_data import NunuData
    from jobmock.vendors.nunu.fixture_models import GenerateFixture
    from jobmock.vendors.nunu.generated import GeneratedSet

SPEC = VendorSpec(
    slug="nunu",
    title="nunu.ai API",
    api_version="1.0.0",
    real_base_url="https://nunu.ai/api/v1",
    base_path="/api/v1",
    job_params=("jobId", "runId"),
    default_credentials="X-Api-Key: nunu_test_key (project 'test', read and operate runs)",
    scenarios=SCENARIOS,
)


def create(ctx: VendorContext) -> VendorApp:
    from jobmock.core.lazy_app import lazy_vendor_app
    from jobmock.core.vendor import VendorApp
    from jobmock.vendors.nunu.backend import NunuBackend
    from jobmock.vendors.nunu.errors import render_error
    from jobmock.vendors.nunu.generated import load_sets
    from jobmock.vendors.nunu.loader import load
    from jobmock.vendors.nunu.operations import OPERATIONS

    data = load(ctx.fixture_files(), ctx.generator)
    backend = NunuBackend(data, ctx.store, ctx.generator, load_sets(data, ctx.generator))
    app = lazy_vendor_app(
        SPEC,
        OPERATIONS,
        backend,
        render_error,
        description=__doc__ or "",
        servers=[{"url": "https://nunu.ai", "description": "the real nunu.ai"}],
    )
    return VendorApp(SPEC, app, backend, render_error, OPERATIONS)


#: What a generated job needs from its folder: everything but the jobs (keys, tests ...).
EXPORT_SECTIONS = ("projects", "keys", "deployment_configs", "builds", "tests", "test_plans")


def fixture_reader() -> FixtureReader[NunuData, GenerateFixture, GeneratedSet]:
    """A nunu folder: its tests provide what generated jobs run."""
    from jobmock.core.export import FixtureReader
    from jobmock.core.generate import Generator
    from jobmock.vendors.nunu.fixture_models import GenerateFixture
    from jobmock.vendors.nunu.generated import build_set, load_sets
    from jobmock.vendors.nunu.loader import load

    def describe(data: NunuData, sets: Sequence[GeneratedSet]) -> str:
        generated = f", {sum(s.count for s in sets)} generated" if sets else ""
        return (
            f"{len(data.jobs)} jobs{generated}, {len(data.keys)} keys, {len(data.projects)} "
            f"projects, {len(data.tests)} tests"
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
    from jobmock.vendors.nunu.record import NunuRecorder

    return NunuRecorder()


VENDOR = Vendor(SPEC, create, fixture_reader, recorder=recorder)
