"""Settings for one jobmock app. CLI flags > ``JOBMOCK_*`` environment variables > defaults.

There is no module-level instance: ``create_app(settings)`` takes one, and tests build their own.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from jobmock.core.clock import MAX_SCALE, ClockMode, as_utc
from jobmock.core.limits import DEFAULT_MAX_BODY


def packaged_fixtures() -> Path:
    """The default data set: inside the wheel, or at the repository root in a source checkout."""
    here = Path(__file__).resolve().parent
    bundled = here / "fixtures"
    if bundled.is_dir():
        return bundled
    return here.parents[1] / "fixtures"


def known_vendors() -> tuple[str, ...]:
    from jobmock.vendors import VENDORS

    return tuple(vendor.spec.slug for vendor in VENDORS)


def _check_slug(slug: str) -> str:
    known = known_vendors()
    if slug not in known:
        raise ValueError(f"unknown vendor {slug!r}; jobmock emulates: {', '.join(known)}")
    return slug


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOBMOCK_", extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    fixtures: Path | None = None
    """Fixture folder with one sub-folder per vendor; the packaged default set when unset."""
    vendor: str | None = None
    """Serve this vendor alone, at the root, with its real paths."""
    vendors: Annotated[tuple[str, ...], NoDecode] = ()
    """Which vendors to mount (comma-separated in the environment); all when empty."""
    clock: ClockMode = "real"
    clock_scale: float = Field(default=1.0, gt=0, le=MAX_SCALE)
    """How many times as fast as wall time a running clock goes (60: a minute a second)."""
    start_time: datetime | None = None
    """Where the clock starts (and returns to on reset); now when unset."""
    seed: int = 0
    journal_size: int = Field(default=1000, ge=1)
    rate_limits: bool = False
    """Enforce each vendor's documented rate limit (Intuned: 20 requests a minute per path)."""
    max_created_jobs: int = Field(default=10_000, ge=0)
    """Jobs and runs clients may create in each vendor until reset; one more is a 429."""
    max_sessions: int = Field(default=32, ge=0)
    """How many ``/_session/{name}/`` sessions the server holds at once (0: none)."""
    max_body: int = Field(default=DEFAULT_MAX_BODY, ge=0)
    """The largest request body, in bytes; a larger one is refused with 413 (``core.limits``)."""
    watch: bool = False
    """Reload the fixtures when their files change (``jobmock serve --watch``)."""
    control_token: str | None = None
    """When set, the control API requires ``Authorization: Bearer <token>``."""
    allow_origins: Annotated[tuple[str, ...], NoDecode] = ()
    """Browser pages on these origins (``http://localhost:3000``; ``*`` for any) may change state
    and get CORS headers; pages on other origins may only read (see ``core.origins``)."""
    webhook_targets: Annotated[tuple[str, ...], NoDecode] = ()
    """Hosts webhooks may be delivered to besides loopback (``*``: any); see docs/webhooks.md."""
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = "info"
    state: str = "memory"
    """Where mutable state lives: ``memory`` (this process) or a Redis URL shared by many
    processes (docs/state.md)."""
    workers: int = Field(default=1, ge=1, le=64)
    """Worker processes on the one port (``jobmock serve``); more than 1 needs a shared state."""

    @field_validator("state")
    @classmethod
    def _state(cls, value: str) -> str:
        from jobmock.shared.link import check_url

        return value if value == "memory" else check_url(value)

    @model_validator(mode="after")
    def _workers_share(self) -> Settings:
        if self.workers > 1 and self.state == "memory":
            raise ValueError(
                f"--workers {self.workers} needs a shared state: each worker would hold its own "
                "jobs, clock and journal; add --state redis://HOST:6379/0 (docs/state.md)"
            )
        return self

    @field_validator("vendors", "allow_origins", "webhook_targets", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("vendors")
    @classmethod
    def _known_vendors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_slug(slug) for slug in value)

    @field_validator("allow_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from jobmock.core.origins import check_origin

        return tuple(check_origin(origin) for origin in value)

    @field_validator("vendor")
    @classmethod
    def _known_vendor(cls, value: str | None) -> str | None:
        return _check_slug(value) if value else None

    @field_validator("start_time")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value) if value is not None else None

    @property
    def fixtures_dir(self) -> Path:
        return self.fixtures if self.fixtures is not None else packaged_fixtures()

    @property
    def served_vendors(self) -> tuple[str, ...]:
        if self.vendor:
            return (self.vendor,)
        return self.vendors or known_vendors()
