"""What a vendor is to the core: a spec (slug, base URLs), and, once built for an app, a mounted
ASGI sub-app plus a backend the control API can drive.

Adding a vendor is one package under ``jobmock/vendors/`` exposing a ``VENDOR`` (a ``Vendor``),
and one line in the registry; nothing here changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from jobmock.core.ratelimit import RateLimitRule

if TYPE_CHECKING:
    from starlette.responses import Response
    from starlette.types import ASGIApp, Scope

    from jobmock.core.catalogue import JobCatalogue
    from jobmock.core.clock import AppClock
    from jobmock.core.errors import MockError
    from jobmock.core.export import FixtureReader
    from jobmock.core.fixture_files import LoadedFile
    from jobmock.core.generate import Generator
    from jobmock.core.operations import OperationTable
    from jobmock.core.recording.vendor import VendorRecorder
    from jobmock.core.scenarios import Scenario
    from jobmock.core.store import Store

    ErrorRenderer = Callable[[MockError], Response]


@dataclass(frozen=True)
class VendorSpec:
    """Static facts about an emulated vendor. Importing it must stay cheap (no FastAPI)."""

    slug: str
    title: str
    api_version: str
    """The vendor API version (or commit) whose behaviour is emulated."""
    real_base_url: str
    """What clients of the real service use as their base URL."""
    base_path: str = ""
    """The part of the base URL after the host, e.g. ``/api/v1`` for nunu."""
    job_params: tuple[str, ...] = ()
    """Path or query parameters that carry a job id, so the journal can index requests by job."""
    default_credentials: str = ""
    """One line for the README and ``jobmock routes``: how to authenticate against the mock."""
    rate_limit: RateLimitRule | None = None
    """The vendor's documented rate limit, enforced when the app runs with ``rate_limits``."""
    scenarios: tuple[Scenario, ...] = field(default=(), compare=False)
    """Named courses for new jobs (``core.scenarios``), from ``vendors/<slug>/scenarios.py``."""

    def base_url(self, root: str, single: bool = False) -> str:
        """The base URL a client sets to reach this vendor on a jobmock at ``root``."""
        root = root.rstrip("/")
        return f"{root}{self.base_path}" if single else f"{root}/{self.slug}{self.base_path}"


class VendorBackend(Protocol):
    """What the control API needs from every vendor."""

    @property
    def catalogue(self) -> JobCatalogue: ...


@dataclass
class VendorContext:
    """What ``create_app`` hands each vendor: the app's shared objects, never globals."""

    spec: VendorSpec
    store: Store
    clock: AppClock
    generator: Generator
    fixtures_dir: Path
    files: list[LoadedFile] | None = None
    """The vendor's fixture files, already parsed by ``create_app`` (``faults:`` sections and
    ``scenario:`` settings taken out); read them with ``fixture_files()``."""
    options: Mapping[str, Any] = field(default_factory=dict)

    def fixture_files(self) -> list[LoadedFile]:
        if self.files is None:
            from jobmock.core.fixture_files import load_dir

            self.files = load_dir(self.fixtures_dir)
        return self.files


@dataclass
class VendorApp:
    spec: VendorSpec
    asgi: ASGIApp
    backend: VendorBackend
    render_error: ErrorRenderer
    operations: OperationTable
    """The vendor's operations (``vendors/<slug>/operations.py``), whose routes ``asgi`` serves;
    the gate answers the hot reads among them itself."""
    openapi_document: Callable[[], dict[str, Any]] | None = None
    """The vendor's OpenAPI document; defaults to ``asgi.openapi()`` (a FastAPI app)."""
    rate_limit: RateLimitRule | None = None
    """A limit the vendor's fixtures ask for: enforced even without ``rate_limits``, and in
    place of ``spec.rate_limit``."""
    own_headers: Callable[[Scope], list[tuple[bytes, bytes]]] | None = None
    """Headers the vendor's server puts on every answer (OSAPI's ``X-Request-Id``). ``asgi``
    adds them to its own answers; the gate adds them to those it makes itself (hot reads,
    injected faults, rate limits, crashes)."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_document is not None:
            return self.openapi_document()
        document: dict[str, Any] = self.asgi.openapi()  # type: ignore[attr-defined]
        return document


@dataclass(frozen=True)
class TokenRequest:
    """What ``jobmock token SLUG`` asks a token-based vendor to sign."""

    now: datetime
    subject: str | None = None
    expires_in: float | None = None
    """Seconds from ``now``; None for the vendor's usual lifetime."""
    roles: tuple[str, ...] | None = None
    permissions: tuple[str, ...] | None = None
    claims: Mapping[str, Any] = field(default_factory=dict)
    """Extra claims, added last (they win)."""


@dataclass(frozen=True)
class Vendor:
    """A vendor package's whole contract with the core, as its ``VENDOR``. The callables are the
    package's own functions, which import its heavy modules (FastAPI, pydantic) when called, so
    holding a ``Vendor`` stays as cheap as holding its spec."""

    spec: VendorSpec
    create: Callable[[VendorContext], VendorApp]
    """Build the vendor for one app."""
    fixture_reader: Callable[[], FixtureReader[Any, Any, Any]]
    """How the vendor reads a fixture folder, for ``jobmock validate`` and ``jobmock generate``
    (a function: building the reader imports the vendor's models)."""
    mint_token: Callable[[Path, TokenRequest], str] | None = None
    """Sign a token for a fixture folder, for vendors that use signed tokens."""
    recorder: Callable[[], VendorRecorder] | None = None
    """A fresh recorder of the vendor's API, for ``jobmock record``."""
