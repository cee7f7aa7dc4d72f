"""jobmock: an offline, deterministic stand-in for vendor job APIs.

Importing this package is deliberately cheap: the pytest plugin imports it in every test run of
every project that installs jobmock, so FastAPI, uvicorn and Faker are only imported when an app is
built (``create_app``) or data is generated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Settings", "__version__", "create_app"]

if TYPE_CHECKING:
    from jobmock.main import create_app
    from jobmock.settings import Settings

_LAZY = {"create_app": "jobmock.main", "Settings": "jobmock.settings"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jobmock' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
