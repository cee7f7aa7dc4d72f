"""What every vendor's tests share: an app built from given settings, a client for one vendor
that sends its credentials unless told otherwise, and the check of an error answer byte for byte.

A vendor's conftest subclasses ``VendorClient`` with its base path, its credential and how it is
sent, and its error envelope; nothing else about talking to a vendor is written per vendor.
"""

from __future__ import annotations

import enum
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from textwrap import dedent
from typing import Any, ClassVar, Self

import httpx
import pytest
import yaml

from jobmock import Settings, create_app
from jobmock.core.fixture_files import FixtureError
from jobmock.main import JobmockApp
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START
from tests.helpers import ROOT

JSON = "application/json"
BUNDLED = ROOT / "fixtures"


def build_app(**settings: Any) -> JobmockApp:
    """A jobmock of its own on the manual clock at ``START``, with ``settings`` on top."""
    return create_app(Settings(**{"clock": "manual", "start_time": START, **settings}))


def fixture_problem(root: Path, **settings: Any) -> str:
    """Why the fixtures under ``root`` stop a jobmock from starting."""
    with pytest.raises(FixtureError) as info:
        build_app(fixtures=root, **settings)
    return str(info.value)


def fixture_folder(root: Path, vendor: str, bundled: Iterable[str], generated: Any) -> Path:
    """``root`` holding a ``vendor`` folder with the named files of the bundled fixtures, and
    ``generated.yaml`` holding ``generated``."""
    folder = root / vendor
    folder.mkdir(parents=True, exist_ok=True)
    for name in bundled:
        shutil.copy(BUNDLED / vendor / name, folder)
    (folder / "generated.yaml").write_text(yaml.safe_dump(generated))
    return root


def fixture_writer(vendor: str) -> Callable[[Path, str, str], Path]:
    """``write(root, name, text)``: a dedented fixture file in ``root``'s ``vendor`` folder."""

    def write(root: Path, name: str, text: str) -> Path:
        folder = root / vendor
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(dedent(text).lstrip())
        return path

    return write


def http_client(
    app: JobmockApp, base_url: str = "http://jobmock", headers: dict[str, str] | None = None
) -> httpx.Client:
    """An httpx client wired into ``app`` in-process (close it, or use it in a ``with``)."""
    return httpx.Client(transport=JobmockTransport(app), base_url=base_url, headers=headers)


def assert_answer(
    response: httpx.Response, status: int, body: bytes, content_type: str = JSON
) -> None:
    """Status, content type and body, exactly as the vendor writes them."""
    assert (response.status_code, response.content) == (status, body), response.text
    assert response.headers["content-type"] == content_type


class Sent(enum.Enum):
    DEFAULT = enum.auto()


#: Send the client's own credential (the default of every request).
DEFAULT = Sent.DEFAULT


class VendorClient:
    """One vendor's API over an httpx client: paths after ``base``, credential sent by default."""

    base: ClassVar[str]

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def credential(self) -> str:
        """What this client authenticates with unless a request says otherwise."""
        raise NotImplementedError

    def credential_headers(self, credential: str) -> dict[str, str]:
        """The headers that carry ``credential`` the way the vendor expects it."""
        raise NotImplementedError

    @staticmethod
    def error_body(message: str) -> bytes:
        """The vendor's error envelope around ``message``, as bytes on the wire."""
        raise NotImplementedError

    @classmethod
    def error(cls, response: httpx.Response, status: int, message: str) -> None:
        """``response`` is the vendor's error answer with ``message``, byte for byte."""
        assert_answer(response, status, cls.error_body(message))

    @classmethod
    @contextmanager
    def over(cls, app: JobmockApp) -> Iterator[Self]:
        """This vendor's client on an app of the test's own."""
        with http_client(app) as client:
            yield cls(client)

    def request(
        self,
        method: str,
        path: str,
        *,
        credential: str | Sent | None = DEFAULT,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """``credential=None`` sends none; a string is sent instead of the client's own."""
        sent: dict[str, str] = {}
        if credential is not None:
            value = self.credential() if isinstance(credential, Sent) else credential
            sent.update(self.credential_headers(value))
        sent.update(headers or {})
        return self.client.request(method, self.base + path, headers=sent, **kwargs)
