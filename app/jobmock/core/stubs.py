"""Stubs: the next matching calls get exactly this answer, or jobmock's own answer edited.

A stub matches requests as a fault rule does (vendor, method, path pattern, operation id, job:
the matcher is a ``Fault``'s), answers ``times`` of them (every one with ``None``), and is made by
``POST /_mock/stubs`` or the handle's ``stub_next``. One ``StubBook`` per app (per store), which
also holds the scenario each vendor's new jobs follow by default; reset empties it, back to the
defaults the fixtures declare.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from jobmock.core.faults import Fault, FaultSpec, RequestFacts
from jobmock.core.jsonpatch import check_patch

if TYPE_CHECKING:
    from jobmock.core.store import Store

STUB_FIELDS = (
    "a stub: 'vendor'; which calls it answers: 'operation' (the vendor's operation id), "
    "'method', 'path', 'job', 'times' (1 or more, or null for every one); what it answers: "
    "'status' (100 to 599), one of 'json' (any JSON value), 'body' (text) or 'patch' (a JSON "
    "Patch list for jobmock's own answer), and 'headers' (an object of strings)"
)


class StubSpec(BaseModel):
    """One stub, as the control API and the handle write it."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    vendor: str
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    job: str | None = None
    status: int | None = Field(default=None, ge=100, le=599)
    json_body: Any = Field(default=None, alias="json")
    body: str | None = None
    patch: list[dict[str, Any]] | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    times: int | None = Field(default=1, ge=1)

    @field_validator("patch", mode="before")
    @classmethod
    def _patch(cls, value: Any) -> Any:
        return None if value is None else check_patch(value)

    @field_validator("method")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not name or any(c in name for c in " :\r\n") or any(c in text for c in "\r\n"):
                raise ValueError(f"{name!r}: {text!r} is not an HTTP header")
        return value

    @model_validator(mode="after")
    def _one_answer(self) -> StubSpec:
        given = [n for n in ("json", "body", "patch") if self.gives(n)]
        if len(given) > 1:
            raise ValueError(f"give one of json, body, patch (got {', '.join(given)})")
        if not given and self.status is None and not self.headers:
            raise ValueError("say what to answer: 'status', 'json', 'body', 'patch' or 'headers'")
        return self

    def gives(self, name: str) -> bool:
        """Whether the stub sent ``name`` (``json`` may be sent as null: a body of ``null``)."""
        if name == "json":
            return "json_body" in self.model_fields_set
        return getattr(self, name) is not None

    @property
    def action(self) -> str:
        return "patched" if self.patch is not None else "replaced"

    def matcher(self) -> FaultSpec:
        """The fault rule matching the same calls (its matching and checks are reused)."""
        return FaultSpec(
            vendor=self.vendor,
            operation=self.operation,
            method=self.method,
            path=self.path,
            job=self.job,
        )


class Stub:
    """A stub and how many calls it has answered."""

    __slots__ = ("hits", "id", "matcher", "spec")

    def __init__(self, stub_id: int, spec: StubSpec) -> None:
        self.id = stub_id
        self.spec = spec
        self.matcher = Fault(stub_id, spec.matcher(), spec.vendor, "stub")
        self.hits = 0

    @property
    def exhausted(self) -> bool:
        return self.spec.times is not None and self.hits >= self.spec.times

    def describe(self) -> dict[str, Any]:
        sent = self.spec.model_dump(by_alias=True, exclude_unset=True)
        sent.pop("vendor", None)
        return {
            "id": self.id,
            "vendor": self.spec.vendor,
            **sent,
            "times": self.spec.times,
            "hits": self.hits,
            "exhausted": self.exhausted,
        }


class StubBook:
    """An app's stubs, oldest first, and the scenario each vendor's new jobs follow."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stubs: list[Stub] = []
        self._next_id = 0
        self.live = 0
        """Stubs not yet exhausted: the gate's step costs one check while this is 0."""
        self.scenarios: dict[str, str] = {}
        """The scenario new jobs follow by default, by vendor."""
        self.origins: dict[str, str] = {}
        """Where each vendor's default came from: ``api``, or ``fixture FILE:LINE``."""
        self._declared: dict[str, tuple[str, str]] = {}
        """The fixtures' defaults (name, origin), by vendor: reset brings them back."""

    def declare(self, vendor: str, name: str, origin: str) -> None:
        """A default from the fixture files: in force now and again after every reset."""
        self._declared[vendor] = (name, origin)
        self.use(vendor, name, origin)

    def use(self, vendor: str, name: str, origin: str = "api") -> None:
        self.scenarios[vendor] = name
        self.origins[vendor] = origin

    def forget(self, vendor: str) -> None:
        self.scenarios.pop(vendor, None)
        self.origins.pop(vendor, None)

    def add(self, spec: StubSpec) -> Stub:
        with self._lock:
            self._next_id += 1
            stub = Stub(self._next_id, spec)
            self._stubs.append(stub)
            self.live += 1
            return stub

    def take(self, facts: RequestFacts) -> Stub | None:
        """The oldest live stub matching the call, counted as answering it."""
        with self._lock:
            for stub in self._stubs:
                if not stub.exhausted and stub.matcher.matches(facts):
                    stub.hits += 1
                    if stub.exhausted:
                        self.live -= 1
                    return stub
        return None

    def remove(self, stub_id: int) -> bool:
        with self._lock:
            kept = [s for s in self._stubs if s.id != stub_id]
            found = len(kept) < len(self._stubs)
            self._keep(kept)
            return found

    def clear(self, vendor: str | None = None) -> None:
        with self._lock:
            self._keep([s for s in self._stubs if vendor is not None and s.spec.vendor != vendor])

    def _keep(self, stubs: list[Stub]) -> None:
        self._stubs = stubs
        self.live = sum(not s.exhausted for s in stubs)

    def reset(self) -> None:
        with self._lock:
            self._keep([])
            self._next_id = 0
            # New dicts, not cleared ones: a request meanwhile sees the old default or the
            # fixtures', never none.
            self.scenarios = {vendor: name for vendor, (name, _) in self._declared.items()}
            self.origins = {vendor: origin for vendor, (_, origin) in self._declared.items()}

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [s.describe() for s in self._stubs]


_BOOKS: weakref.WeakKeyDictionary[Store, StubBook] = weakref.WeakKeyDictionary()


#: A book's state as a shared store (``jobmock.shared``) keeps it: the stubs with their hits, and
#: the scenario each vendor's new jobs follow (the fixtures' own defaults every process loads).
BOOK_STATE = ("_stubs", "_next_id", "live", "scenarios", "origins")


def book_of(store: Store) -> StubBook:
    """The stub book of the app ``store`` belongs to (made on first use, emptied by reset)."""
    book = _BOOKS.get(store)
    if book is None:
        book = _BOOKS[store] = StubBook()
        store.on_reset(book.reset)
        store.share(book, BOOK_STATE)
    return book
