"""Using jobmock from tests: in-process transports, the control handle, and (with the pytest
plugin) ready-made fixtures. Importing this module is cheap; httpx and the app are imported when
first used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobmock.testing.handle import InProcessHandle, JobmockError, MockHandle, RemoteHandle
    from jobmock.testing.intercept import InterceptBlocked, Interceptor
    from jobmock.testing.records import RequestRecord
    from jobmock.testing.server import MockServer
    from jobmock.testing.transport import AsyncJobmockTransport, JobmockTransport

__all__ = [
    "AsyncJobmockTransport",
    "InProcessHandle",
    "InterceptBlocked",
    "Interceptor",
    "JobmockError",
    "JobmockTransport",
    "MockHandle",
    "MockServer",
    "RemoteHandle",
    "RequestRecord",
]

_LAZY = {
    "AsyncJobmockTransport": "jobmock.testing.transport",
    "JobmockTransport": "jobmock.testing.transport",
    "InProcessHandle": "jobmock.testing.handle",
    "MockHandle": "jobmock.testing.handle",
    "RemoteHandle": "jobmock.testing.handle",
    "JobmockError": "jobmock.testing.handle",
    "MockServer": "jobmock.testing.server",
    "Interceptor": "jobmock.testing.intercept",
    "InterceptBlocked": "jobmock.testing.intercept",
    "RequestRecord": "jobmock.testing.records",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jobmock.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
