"""prunner: pipelines and jobs of its REST API (``http://localhost:9009``), version v1.3.0.

Emulated (spec/prunner.md §1):

- ``GET /pipelines/`` (and ``/pipelines``): pipelines, ``schedulable`` and ``running``
- ``GET /pipelines/jobs``: pipelines and every job, newest first, streamed (prunner has no
  paging, and a generated history may hold a million jobs)
- ``POST /pipelines/schedule``: 202 ``{"jobId"}``; 400 for a bad body, an unknown pipeline, or a
  queue that refuses the job
- ``GET /job/detail?id=``, ``GET /job/logs?id=&task=``, ``POST /job/cancel?id=`` (200 ``true``;
  500 ``Error canceling job`` once the job completed)

Jobs run their pipeline's task graph on the clock (tasks start when their dependencies are done),
under the pipeline's concurrency, wait list, ``queue_limit``, ``queue_strategy`` (append,
replace) and ``start_delay``, with fail-fast or ``continue_running_tasks_after_failure``,
``on_error``, cancellation of running and queued jobs, and ``retention_period``/``count``.
A ``generate:`` block adds a pipeline's history: jobs computed from their index, never stored.

Auth: an HS256 JWT from ``Authorization: Bearer`` or the ``jwt`` cookie, checked before routing
inside ``/pipelines`` and ``/job``; failures are 401 plain text with prunner's five messages.
The token's ``sub`` is the job's ``user``. Secret: ``JOBMOCK_PRUNNER_JWT_SECRET``, else a
fixture's ``jwt_secret``, else ``jobmock-prunner-secret-0123456789``.

Wire format: prunner's byte for byte (compact JSON and a newline, HTML-escaped, sorted map keys,
RFC 3339 UTC whole seconds, ``start``/``end`` always present).

Known gaps: scripts are never executed (a task's duration, exit code and output come from the
fixture or are generated); no 503 while shutting down, no restart semantics, no ``/debug/pprof``;
decode errors of a malformed schedule body say what is wrong in jobmock's words after prunner's
``Error decoding JSON: `` (``EOF`` for an empty body is exact); the v1.4.0-beta1 additions
(``queuePartition``, ``partitioned_replace``) are not emulated.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobmock.core.vendor import Vendor, VendorSpec
from jobmock.vendors.prunner.scenarios import SCENARIOS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fastapi import FastAPI

    from jobmock.core.export import Export, FixtureReader
    from jobmock.core.recording.vendor import VendorRecorder
    from jobmock.core.vendor import TokenRequest, VendorApp, VendorContext
    from jobmock.vendors.prunner.fixture_models import GenerateFixture
    from jobmock.vendors.prunner.generated import GeneratedSet
    from jobmock.vendors.prunner.loader import PrunnerData

DEFAULT_SECRET = "jobmock-prunner-secret-0123456789"
SECRET_ENV = "JOBMOCK_PRUNNER_JWT_SECRET"

SPEC = VendorSpec(
    slug="prunner",
    title="prunner API",
    api_version="v1.3.0",
    real_base_url="http://localhost:9009",
    base_path="",
    job_params=("id",),
    default_credentials="Authorization: Bearer $(jobmock token prunner) (HS256 JWT)",
    scenarios=SCENARIOS,
)


def secret(fixture_secret: str | None) -> str:
    """The HS256 secret: the environment, else the fixtures, else the default (as prunner, where
    ``PRUNNER_JWT_SECRET`` wins over ``.prunner.yml``). At least 16 characters, as prunner."""
    from jobmock.core.fixture_files import FixtureError
    from jobmock.vendors.prunner.fixture_models import MIN_SECRET

    value = os.environ.get(SECRET_ENV) or fixture_secret or DEFAULT_SECRET
    if len(value) < MIN_SECRET:
        raise FixtureError.single(
            SECRET_ENV, None, "", f"the JWT secret must be at least {MIN_SECRET} characters"
        )
    return value


def create(ctx: VendorContext) -> VendorApp:
    from jobmock.core.clock import micros
    from jobmock.core.lazy_app import lazy_vendor_app
    from jobmock.core.vendor import VendorApp
    from jobmock.vendors.prunner.backend import PrunnerBackend
    from jobmock.vendors.prunner.errors import render_error
    from jobmock.vendors.prunner.generated import load_sets
    from jobmock.vendors.prunner.loader import load
    from jobmock.vendors.prunner.middleware import AuthBeforeRouting
    from jobmock.vendors.prunner.operations import OPERATIONS
    from jobmock.vendors.prunner.state import check_sets

    data = load(ctx.fixture_files(), ctx.generator, ctx.store.epoch)
    sets = load_sets(data, ctx.generator, ctx.store.epoch)
    check_sets(data, sets, micros(ctx.store.epoch))
    backend = PrunnerBackend(data, ctx.store, ctx.generator, secret(data.jwt_secret), sets)
    app = lazy_vendor_app(
        SPEC,
        OPERATIONS,
        backend,
        render_error,
        description=__doc__ or "",
        servers=[{"url": SPEC.real_base_url, "description": "a real prunner, on its default port"}],
        then=_with_security_schemes,
    )
    asgi = AuthBeforeRouting(app, backend, render_error, OPERATIONS)
    return VendorApp(SPEC, asgi, backend, render_error, OPERATIONS, openapi_document=app.openapi)


def _with_security_schemes(app: FastAPI) -> None:
    """prunner's document names both ways a token comes (its docs pages read it too)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        document.setdefault("components", {})["securitySchemes"] = {
            "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            "jwtCookie": {"type": "apiKey", "in": "cookie", "name": "jwt"},
        }
        return document

    app.openapi = openapi  # type: ignore[method-assign]


#: What a generated job needs from its folder: the secret, the exit code setting, and its
#: pipeline (the others are left out).
EXPORT_SECTIONS = ("jwt_secret", "success_exit_code", "pipelines")


def fixture_reader() -> FixtureReader[PrunnerData, GenerateFixture, GeneratedSet]:
    """A prunner folder, read as of now: it gives the pipelines, and an export without a block
    of its own takes the defaults for its first pipeline."""
    from dataclasses import replace

    from jobmock.core.clock import micros, utcnow
    from jobmock.core.export import FixtureReader
    from jobmock.core.fixture_files import Invalid
    from jobmock.core.generate import Generator
    from jobmock.vendors.prunner.fixture_models import GenerateFixture
    from jobmock.vendors.prunner.generated import build_set, load_sets
    from jobmock.vendors.prunner.loader import load
    from jobmock.vendors.prunner.state import check_sets

    now = utcnow()

    def checked_sets(data: PrunnerData) -> Sequence[GeneratedSet]:
        sets = load_sets(data, Generator(), now)
        check_sets(data, sets, micros(now))
        return sets

    def describe(data: PrunnerData, sets: Sequence[GeneratedSet]) -> str:
        generated = f", {sum(s.count for s in sets)} generated" if sets else ""
        return f"{len(data.pipelines)} pipelines, {len(data.jobs)} jobs{generated}"

    def defaults(data: PrunnerData) -> dict[str, str]:
        if not data.pipelines:
            raise Invalid((), "no pipelines to generate jobs for")
        return {"pipeline": next(iter(data.pipelines))}

    def narrow(export: Export[GeneratedSet]) -> Export[GeneratedSet]:
        pipeline = export.jobs.pipeline.name
        pipelines = export.definitions.get("pipelines", {})
        definitions = {**export.definitions, "pipelines": {pipeline: pipelines[pipeline]}}
        return replace(export, definitions=definitions)

    return FixtureReader(
        load=lambda files: load(files, Generator(), now),
        load_sets=checked_sets,
        describe=describe,
        block=GenerateFixture,
        build_set=lambda spec, data: build_set(spec, data, Generator(), micros(now)),
        sections=EXPORT_SECTIONS,
        defaults=defaults,
        narrow=narrow,
    )


def mint_token(directory: Path, request: TokenRequest) -> str:
    """An HS256 token for the fixture folder's secret: ``sub`` if asked, ``exp`` if asked.

    No ``iat``: a token minted on the wall clock must also work against a jobmock whose manual
    clock is set in the past (prunner checks ``iat`` when present).
    """
    from jobmock.core.auth import mint_jwt
    from jobmock.core.fixture_files import load_dir
    from jobmock.core.generate import Generator
    from jobmock.vendors.prunner.loader import load

    if request.roles is not None or request.permissions is not None:
        # prunner reads only sub, exp, iat and nbf: roles would be a claim it never looks at.
        raise ValueError(
            "prunner tokens carry no roles or permissions (prunner reads sub, exp, iat and "
            "nbf); add any other claim with --claim KEY=VALUE"
        )
    data = load(load_dir(directory), Generator(), request.now)
    claims: dict[str, Any] = {}
    if request.subject is not None:
        claims["sub"] = request.subject
    if request.expires_in is not None:
        claims["exp"] = int(request.now.timestamp() + request.expires_in)
    claims.update(request.claims)
    return mint_jwt(secret(data.jwt_secret), claims)


def recorder() -> VendorRecorder:
    from jobmock.vendors.prunner.record import PrunnerRecorder

    return PrunnerRecorder()


VENDOR = Vendor(SPEC, create, fixture_reader, mint_token, recorder)
