"""The plugin's ``jobmock_intercept`` fixtures (imported by ``plugin``; cheap to import)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from jobmock.testing.handle import MockHandle
    from jobmock.testing.intercept import Interceptor


@pytest.fixture
def jobmock_intercept_urls() -> Mapping[str, str | Sequence[str]]:
    """The vendors' real base URLs ``jobmock_intercept`` serves, where they differ from the
    documented ones (override in a ``conftest.py``: ``{"prunner": "http://prunner.ci:9009"}``)."""
    return {}


@pytest.fixture
def jobmock_intercept(
    jobmock: MockHandle, jobmock_intercept_urls: Mapping[str, str | Sequence[str]]
) -> Iterator[Interceptor]:
    """``jobmock.intercept()`` for the whole test: the vendors' real hosts are served by the
    session's jobmock, in process (forwarded over HTTP to a remote one, ``--jobmock-url``)."""
    with jobmock.intercept(base_urls=jobmock_intercept_urls) as interceptor:
        yield interceptor
