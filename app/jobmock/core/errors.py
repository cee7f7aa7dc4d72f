"""The errors a backend, an auth strategy or the fault injector can raise.

Handlers never build error bodies: they raise one of these, and the vendor's ``errors.py`` renders
it in the vendor's own envelope (nunu ``{"error": ...}``, Intuned ``{code, category, ...}``,
prunner plain text). The tree::

    MockError                    base: message, status, headers, reason
     +-- BadRequest              400  malformed input (a bad id, body, query)
     +-- Unauthorized            401  missing or rejected credentials
     +-- Forbidden               403  credentials valid but not allowed
     +-- NotFound                404  unknown job, run, route, ...
     +-- MethodNotAllowed        405  route exists, method does not (carries Allow)
     +-- Conflict                409  state forbids the operation
     +-- RateLimited             429  too many requests (carries Retry-After)
     +-- ServerError             500  the vendor's own internal error, or a bug in the mock
     +-- Injected                any  a fault requested through fixtures or the control API

``reason`` is a short machine-readable tag (``"missing"``, ``"expired"``, ``"route"``) that lets
a vendor pick its exact wording where the same status has several documented messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

#: Where a vendor app leaves an exception it turned into a 500, for the gate to record.
CRASH_KEY = "jobmock.crash"


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` in whole seconds, rounded up (HTTP allows no fractions)."""
    return str(max(0, -int(-seconds // 1)))


class MockError(Exception):
    """Base of every error the mock answers with."""

    status: ClassVar[int] = 500

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        headers: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.headers: dict[str, str] = dict(headers or {})
        self.details: dict[str, Any] = dict(details or {})
        if status is not None:
            self.status = status  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.message!r})"


class BadRequest(MockError):
    status = 400


class Unauthorized(MockError):
    status = 401


class Forbidden(MockError):
    status = 403


class NotFound(MockError):
    status = 404


class MethodNotAllowed(MockError):
    status = 405

    def __init__(self, message: str, *, allow: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.allow = allow
        if allow:
            self.headers.setdefault("Allow", allow)


class Conflict(MockError):
    status = 409


class RateLimited(MockError):
    status = 429

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        if retry_after is not None:
            self.headers.setdefault("Retry-After", retry_after_header(retry_after))


class ServerError(MockError):
    status = 500


class Injected(MockError):
    """A fault asked for by a fixture or ``POST /_mock/faults``; the status is the caller's."""

    def __init__(
        self, status: int, message: str = "", *, retry_after: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, status=status, reason=kwargs.pop("reason", "injected"), **kwargs)
        self.retry_after = retry_after
        if retry_after is not None:
            self.headers.setdefault("Retry-After", retry_after_header(retry_after))


class ConnectionDropped(Exception):
    """Raised out of the app when a fault drops the connection and the server cannot do it
    itself (in-process transports turn it into the error httpx gives for a real drop)."""

    def __init__(self, received: int = 0, expected: int | None = None) -> None:
        super().__init__("connection dropped by an injected fault")
        self.received = received
        self.expected = expected


_BY_STATUS: dict[int, type[MockError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        RateLimited,
        ServerError,
    )
}


def error_for_status(status: int, message: str, **kwargs: Any) -> MockError:
    """The most specific MockError for an HTTP status (used to map framework errors)."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        return MockError(message, status=status, **kwargs)
    return cls(message, **kwargs)
