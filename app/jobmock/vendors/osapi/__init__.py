"""OSAPI: the job API and the node operations that create jobs (``http://localhost:8080``).

Emulated, on the seed's paths (commit 41b9500ac, no prefix) and on HEAD's ``/api/...``:

- ``GET /job`` (``status``, ``limit`` 1-100 default 10, ``offset``; ``status_counts``)
- ``GET /job/{id}`` (the seed), ``DELETE /job/{id}`` (204), ``POST /job/{id}/retry`` (201)
- ``GET /node/{hostname}`` (status), ``GET /node/{hostname}/hostname``,
  ``POST /node/{hostname}/command/shell``: each publishes a job to ``_any``, ``_all``, a
  hostname or a ``key:value`` label and answers with the agents' results

The pipeline is OSAPI's: routing (Echo 404/405), parameter and body binding (Echo 400/415,
before auth), the bearer JWT (HMAC, golang-jwt v4 texts) and its permission (403 with the
resolved map), then the handler. A job is a timeline of agent events on the clock: submitted,
then acknowledged, started and completed/failed/skipped per agent; status, ``agent_states``,
``responses`` and ``timeline`` are computed from the events reached at request time. Jobs created
through the API expire after the KV TTL (1 h); failed jobs can be redelivered (off by default).

Known gaps: the other node, network, file, docker and schedule endpoints, agents, audit and
health are not emulated; CORS allow-origins are not configured; ``?pretty`` is ignored.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from jobmock.core.vendor import Vendor, VendorSpec
from jobmock.vendors.osapi.scenarios import SCENARIOS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jobmock.core.export import FixtureReader
    from jobmock.core.recording.vendor import VendorRecorder
    from jobmock.core.vendor import TokenRequest, VendorApp, VendorContext
    from jobmock.vendors.osapi.fixture_models import GenerateFixture
    from jobmock.vendors.osapi.generated import GeneratedSet
    from jobmock.vendors.osapi.loader import OsapiData

SPEC = VendorSpec(
    slug="osapi",
    title="OSAPI",
    api_version="41b9500ac",
    real_base_url="http://localhost:8080",
    base_path="",
    job_params=("id",),
    default_credentials=(
        "Authorization: Bearer $(jobmock token osapi) "
        "(HS256, key jobmock-osapi-signing-key, role admin)"
    ),
    scenarios=SCENARIOS,
)


def create(ctx: VendorContext) -> VendorApp:
    from jobmock.core.lazy_app import lazy_vendor_app
    from jobmock.core.vendor import VendorApp
    from jobmock.vendors.osapi.backend import OsapiBackend
    from jobmock.vendors.osapi.errors import render_error
    from jobmock.vendors.osapi.front import EchoFront
    from jobmock.vendors.osapi.generated import load_sets
    from jobmock.vendors.osapi.loader import load, signing_key
    from jobmock.vendors.osapi.operations import OPERATIONS

    data = load(ctx.fixture_files(), ctx.generator)
    sets = load_sets(data, ctx.generator)
    key = signing_key(data, dict(os.environ))
    backend = OsapiBackend(data, ctx.store, ctx.generator, key, sets)
    app = lazy_vendor_app(
        SPEC,
        OPERATIONS,
        backend,
        render_error,
        description=__doc__ or "",
        servers=[{"url": SPEC.real_base_url, "description": "a real OSAPI controller"}],
    )
    front = EchoFront(app, OPERATIONS, backend.request_id)
    return VendorApp(
        SPEC,
        front,
        backend,
        render_error,
        OPERATIONS,
        openapi_document=app.openapi,
        own_headers=front.headers,
    )


#: What a generated job needs from its folder: every agent (``_all`` and labels reach them
#: all), the signing key and roles, the server settings.
EXPORT_SECTIONS = ("security", "server", "agents")


def fixture_reader() -> FixtureReader[OsapiData, GenerateFixture, GeneratedSet]:
    """An OSAPI folder: it provides the agents generated jobs run on."""
    from jobmock.core.export import FixtureReader
    from jobmock.core.generate import Generator
    from jobmock.vendors.osapi.fixture_models import GenerateFixture
    from jobmock.vendors.osapi.generated import build_set, load_sets
    from jobmock.vendors.osapi.loader import describe, load

    def summary(data: OsapiData, sets: Sequence[GeneratedSet]) -> str:
        generated = f", {sum(s.count for s in sets)} generated" if sets else ""
        return describe(data).replace(" jobs,", f" jobs{generated},", 1)

    return FixtureReader(
        load=lambda files: load(files, Generator()),
        load_sets=lambda data: load_sets(data, Generator()),
        describe=summary,
        block=GenerateFixture,
        build_set=lambda spec, data: build_set(spec, data, Generator()),
        sections=EXPORT_SECTIONS,
    )


def check_token_request(request: TokenRequest) -> None:
    """A ValueError listing what OSAPI knows, for roles it rejects (``oneof=read write admin``)
    or permissions it has not: such a token would be refused, or grant nothing."""
    from jobmock.vendors.osapi.jwt.permissions import ALL_PERMISSIONS
    from jobmock.vendors.osapi.jwt.tokens import VALID_ROLES

    roles = [role for role in request.roles or () if role not in VALID_ROLES]
    permissions = [p for p in request.permissions or () if p not in ALL_PERMISSIONS]
    problems = [
        f"unknown {kind} {', '.join(map(repr, bad))}; OSAPI knows {', '.join(known)}"
        for kind, bad, known in (
            ("role(s)", roles, VALID_ROLES),
            ("permission(s)", permissions, ALL_PERMISSIONS),
        )
        if bad
    ]
    if problems:
        raise ValueError("\n".join(problems))


def mint_token(directory: Path, request: TokenRequest) -> str:
    """A token signed with the fixtures' key (else JOBMOCK_OSAPI_SIGNING_KEY, else the
    default): roles ``admin`` unless told, valid three months, as ``osapi token generate``."""
    from datetime import timedelta

    from jobmock.core.fixture_files import load_dir
    from jobmock.core.generate import Generator
    from jobmock.vendors.osapi.jwt.minting import add_months, mint
    from jobmock.vendors.osapi.loader import load, signing_key

    check_token_request(request)
    key = signing_key(load(load_dir(directory), Generator()), dict(os.environ))
    expires = (
        request.now + timedelta(seconds=request.expires_in)
        if request.expires_in is not None
        else add_months(request.now, 3)
    )
    return mint(
        key.encode(),
        roles=request.roles if request.roles is not None else ("admin",),
        permissions=request.permissions or (),
        subject=request.subject or "jobmock",
        issued_at=request.now,
        expires_at=expires,
        extra=request.claims,
    )


def recorder() -> VendorRecorder:
    from jobmock.vendors.osapi.record import OsapiRecorder

    return OsapiRecorder()


VENDOR = Vendor(SPEC, create, fixture_reader, mint_token, recorder)
