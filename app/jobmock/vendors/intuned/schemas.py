"""Intuned wire models shared by requests, fixtures and answers (spec/intuned.md sections 3-6).

Configuration objects are camelCase, in the vendor's key order, with field names that are the wire
names, so there are no aliases to get wrong; the documents a client receives are in
``documents``. Request bodies allow unknown keys (dropped; the OpenAPI excerpts do not forbid
them) but not converted types: Intuned's server is not public and its contract is the OpenAPI 3.1
excerpt, a JSON Schema, under which ``"yes"`` is no boolean and ``"1"`` no integer
(``core.jsontypes``; pydantic's lax mode in Intuned's Python SDK applies to what it reads, not to
what the server accepts). Fixtures use the same models and reject unknown keys themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from jobmock.core.jsontypes import STRICT, JsonInt, JsonNumber
from jobmock.core.wire import Wire

RunStatus = Literal[
    "CANCELED",
    "PENDING",
    "PAUSED",
    "PAUSING",
    "RESUMING",
    "SUCCESS",
    "FAILURE",
    "TERMINATED",
    "COMPLETED",
]
RunType = Literal["MANUAL", "SCHEDULED"]
JobState = Literal["ACTIVE", "PAUSED"]
JobSource = Literal["API", "CODE"]
RunErrorCode = Literal["internal-server-error", "insufficient-resource-credits"]
RunErrorCategory = Literal["billing", "infrastructure"]
RunReasonType = Literal[
    "terminated",
    "user-request",
    "auth-session-not-found",
    "auth-session-invalid-mid-job",
    "auth-session-validate-dependency-failed",
    "auth-session-locked",
    "another-job-run-active",
    "insufficient-resource-credits",
    "s3-sink-error",
]
JobReasonType = Literal["paused", "terminated"]
DayOfWeek = Literal["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"]
Month = Literal[
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
]

#: A job id: "a valid URL slug" of at least 7 characters (Create Job, [D]).
SLUG_PATTERN = r"^[a-zA-Z0-9\-_]+$"
SLUG_MIN_LENGTH = 7


def _uri(value: str) -> str:
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        raise ValueError("must be an absolute URL such as http://user:pass@proxy.example.com:8080")
    return value


def _concurrency(value: float) -> float:
    if not 1 <= value <= 25:
        raise ValueError("must be between 1 and 25")
    return value


Uri = Annotated[str, AfterValidator(_uri)]
Slug = Annotated[str, Field(min_length=SLUG_MIN_LENGTH, pattern=SLUG_PATTERN)]


class Body(BaseModel):
    """Configuration objects: shared by request bodies, fixtures and responses."""

    model_config = ConfigDict(**STRICT, extra="allow")


class Retry(Body):
    maximumAttempts: JsonInt = Field(default=3, ge=1)


class Configuration(Body):
    retry: Retry | None = None
    maxConcurrentRequests: Annotated[JsonNumber, AfterValidator(_concurrency)] | None = None
    requestTimeout: JsonInt = Field(default=600, ge=1)
    maxRuns: JsonInt | None = Field(default=None, ge=1)
    proxy: Uri | None = None


class PayloadItem(Body):
    apiName: str = Field(min_length=1)
    parameters: dict[str, Any]
    requestTimeout: JsonInt = Field(default=600, ge=1)
    retry: Retry | None = None


class WebhookSink(Body):
    type: Literal["webhook"]
    url: str
    headers: dict[str, str] | None = None
    skipOnFail: bool = False
    apisToSend: list[str] | None = Field(default=None, min_length=1)


class S3Sink(Body):
    type: Literal["s3"]
    bucket: str
    accessKeyId: str
    secretAccessKey: str
    region: str
    prefix: str | None = None
    skipOnFail: bool = False
    apisToSend: list[str] | None = Field(default=None, min_length=1)
    endpoint: str | None = None
    forcePathStyle: bool | None = None


Sink = Annotated[WebhookSink | S3Sink, Field(discriminator="type")]


class AuthSession(Body):
    id: str
    checkAttempts: JsonInt = 3
    createAttempts: JsonInt = 3
    saveTrace: bool | None = None


class Notification(Body):
    type: Literal["webhook"]
    url: str
    headers: dict[str, str] | None = None


class Interval(Body):
    every: JsonInt | str
    """A duration: ``"1h"``, ``"30 minutes"``, ``"1d"``, or milliseconds as a number."""


class CalendarRange(Body):
    start: JsonInt | str
    end: JsonInt | str | None = None
    step: JsonInt | None = None


CalendarValue = JsonInt | str | CalendarRange | list[JsonInt | str | CalendarRange]


class Calendar(Body):
    second: CalendarValue | None = None
    minute: CalendarValue | None = None
    hour: CalendarValue | None = None
    dayOfWeek: CalendarValue | None = None
    dayOfMonth: CalendarValue | None = None
    month: CalendarValue | None = None
    year: CalendarValue | None = None
    comment: str | None = None


class Schedule(Body):
    jitter: JsonInt | str | None = None
    intervals: list[Interval] | None = None
    calendars: list[Calendar] | None = None


class Proxy(Body):
    """The proxy as the job list and the run snapshot show it (Get Job shows a plain URL)."""

    version: Literal["v1"]
    url: str


class RunError(Body):
    message: str
    code: RunErrorCode
    details: Any = None
    category: RunErrorCategory
    correlationId: str | None = None
    retirable: bool | None = None
    doc_url: str | None = None


class RunReason(Body):
    type: RunReasonType
    message: str
    details: Any = None
    doc_url: str | None = None


class JobReason(Body):
    type: JobReasonType
    message: str
    details: Any = None
    timestamp: str | None = None


class Results(Body):
    signed_url: str
    signed_url_expiration: str | None = None
    size: JsonNumber | None = None
    key: str | None = None
    format: str


# --- requests ------------------------------------------------------------------------------------


class UpdateJobRequest(Body):
    """``PUT .../jobs/{jobId}``: the whole job but its id."""

    payload: list[PayloadItem]
    configuration: Configuration
    schedule: Schedule | None = None
    sink: Sink | None = None
    proxy: Uri | None = None
    auth_session: AuthSession | None = None
    notifications: list[Notification] | None = None


class CreateJobRequest(Body):
    """``POST .../jobs``."""

    id: Slug
    payload: list[PayloadItem]
    configuration: Configuration
    schedule: Schedule | None = None
    sink: Sink | None = None
    proxy: Uri | None = None
    auth_session: AuthSession | None = None
    notifications: list[Notification] | None = None


# --- the run's snapshot: a document part that fixtures and records hold too ----------------------


class JobConfigurationSnapshot(Wire):
    """Always rendered with every key set (``null`` when empty), as the vendor sends it."""

    configuration: Configuration
    sink: Sink | None = None
    auth_session: AuthSession | None = None
    proxy: Proxy | None = None
    notifications: list[Notification] | None = None


# --- helpers -------------------------------------------------------------------------------------

B = TypeVar("B", bound=BaseModel)


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: declared fields only (extras dropped), ``None`` left out."""
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        for name in type(value).model_fields:
            item = getattr(value, name)
            if item is not None:
                out[name] = plain(item)
        return out
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def settled(model: B) -> B:
    """``model`` rebuilt from its own values, so that defaults count as set (and are sent) and
    unknown keys are gone."""
    return type(model).model_validate(plain(model))


def unknown_keys(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Where ``value`` holds keys its models do not declare (for fixtures, which are strict)."""
    if isinstance(value, BaseModel):
        for key in value.model_extra or {}:
            yield (*loc, key)
        for name in type(value).model_fields:
            yield from unknown_keys(getattr(value, name), (*loc, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from unknown_keys(item, (*loc, index))
