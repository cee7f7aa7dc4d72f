"""A web page on another origin cannot change a jobmock; pages of its own origin and clients that
are not browsers are not affected; ``--allow-origin`` lets given origins through, with CORS."""

from __future__ import annotations

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.cli.parser import build_parser
from jobmock.main import JobmockApp
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START
from tests.test_contract import SAMPLES

# The ``client`` fixture talks to http://jobmock, so its Host is "jobmock".
EVIL = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
LOCAL_APP = {"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"}


def refusal(what: str, origin: str = "https://evil.example", named: str | None = None) -> str:
    return (
        f"jobmock refuses {what} from a web page on {origin}: pages of other origins may only "
        f"read. To let them change state, start jobmock with --allow-origin {named or origin} "
        "(or JOBMOCK_ALLOW_ORIGINS)"
    )


def _client(**settings: object) -> tuple[JobmockApp, httpx.Client]:
    app = create_app(Settings(clock="manual", start_time=START, **settings))  # type: ignore[arg-type]
    return app, httpx.Client(transport=JobmockTransport(app), base_url="http://localhost:8000")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/_mock/reset", None),
        ("POST", "/_mock/clock", {"advance": "1h"}),
        ("POST", "/_mock/faults", {"vendor": "nunu", "action": "status", "status": 500}),
        ("DELETE", "/_mock/requests", None),
        ("PUT", "/_mock/rate-limits", None),
    ],
)
def test_a_page_elsewhere_cannot_drive_the_control_api(
    method: str, path: str, body: object, client: httpx.Client
) -> None:
    client.get(SAMPLES["nunu"][0], headers=SAMPLES["nunu"][2]())  # something in the journal
    before = client.get("/_mock/clock").json(), client.get("/_mock/requests").json()
    response = client.request(method, path, json=body, headers=EVIL)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": refusal(f"{method} {path}")}
    assert "access-control-allow-origin" not in response.headers
    assert (client.get("/_mock/clock").json(), client.get("/_mock/requests").json()) == before
    assert client.get("/_mock/faults").json() == {"faults": []}


def _vendor_403(slug: str, message: str) -> object:
    if slug == "intuned":
        return {"code": "forbidden", "category": "user", "message": message, "retirable": False}
    return {"error": message}


@pytest.mark.parametrize("slug", list(SAMPLES))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_page_elsewhere_cannot_write_to_a_vendor(
    slug: str, method: str, client: httpx.Client
) -> None:
    path, _, headers = SAMPLES[slug]
    response = client.request(method, path, headers={**headers(), **EVIL}, content=b"a=1")
    assert response.status_code == 403
    body = response.json()
    body.pop("correlationId", None)  # Intuned's: a fresh id on every answer
    assert body == _vendor_403(slug, refusal(f"{method} {path.split('?')[0]}"))
    if slug == "osapi":
        assert response.headers["x-request-id"], "OSAPI's server stamps every answer"
    assert client.get("/_mock/requests").json() == {"requests": []}, "never reached the vendor"


def test_the_single_vendor_layout_refuses_in_the_vendors_shape() -> None:
    _, client = _client(vendor="intuned")
    path = SAMPLES["intuned"][0].removeprefix("/intuned")
    with client:
        response = client.delete(path, headers=LOCAL_APP)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    expected = refusal(f"DELETE {path}", "http://localhost:3000")
    assert response.json()["message"] == expected


def test_a_page_elsewhere_cannot_create_a_session_even_with_a_get(client: httpx.Client) -> None:
    response = client.get("/_session/from-a-page/nunu/api/v1/runs", headers=EVIL)
    assert response.status_code == 403
    assert response.json() == {"error": refusal("a new session 'from-a-page'")}
    response = client.get("/_session/from-a-page/_mock/health", headers=EVIL)
    assert response.json() == {"error": refusal("a new session 'from-a-page'")}
    assert "from-a-page" not in client.get("/_mock/sessions").text


def test_a_session_that_exists_can_be_read_from_anywhere_but_not_ended() -> None:
    _, client = _client()
    with client:
        assert client.get("/_session/ci-1/_mock/health").status_code == 200  # made by curl
        assert client.get("/_session/ci-1/_mock/clock", headers=EVIL).status_code == 200
        ended = client.delete("/_session/ci-1/_mock/session", headers=EVIL)
        assert ended.status_code == 403
        assert ended.json() == {"error": refusal("DELETE /_session/ci-1/_mock/session")}
        assert client.get("/_mock/sessions").json()["sessions"] == ["ci-1"]


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, httpx, the SDKs: no browser headers at all
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://jobmock"},  # the docs page
        {"Sec-Fetch-Site": "none"},  # typed into the address bar
        {"Origin": "http://jobmock"},  # a browser without Sec-Fetch-*: Origin is the Host
        {"Origin": "HTTP://JOBMOCK"},
    ],
    ids=["no-browser", "same-origin", "user", "origin-is-host", "origin-case"],
)
def test_its_own_pages_and_other_clients_change_state(
    headers: dict[str, str], client: httpx.Client
) -> None:
    response = client.post("/_mock/clock", json={"advance": "1h"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["now"] == "2026-11-01T13:00:00+00:00"


@pytest.mark.parametrize(
    ("headers", "origin"),
    [
        (LOCAL_APP, "http://localhost:3000"),  # another port is another origin
        ({"Origin": "http://jobmock:8080"}, "http://jobmock:8080"),
        ({"Origin": "null", "Sec-Fetch-Site": "cross-site"}, "null"),  # file://, sandboxed
        ({"Sec-Fetch-Site": "cross-site"}, "another site"),
    ],
    ids=["same-site", "other-port", "null", "no-origin"],
)
def test_other_origins_are_refused(
    headers: dict[str, str], origin: str, client: httpx.Client
) -> None:
    response = client.post("/_mock/reset", headers=headers)
    assert response.status_code == 403
    named = origin if "://" in origin else "ORIGIN"
    assert response.json() == {"error": refusal("POST /_mock/reset", origin, named)}


def test_reads_are_served_to_any_page_without_cors_headers(client: httpx.Client) -> None:
    path, _, headers = SAMPLES["nunu"]
    detail = client.get(path, headers={**headers(), **EVIL})
    assert detail.status_code == 200
    assert client.get("/nunu/docs", headers=EVIL).status_code == 200
    assert not [h for h in detail.headers if h.startswith("access-control-")]
    preflight = client.options(path, headers={**EVIL, "Access-Control-Request-Method": "DELETE"})
    assert preflight.status_code == 405, "no CORS: the vendor's own answer to OPTIONS"
    assert not [h for h in preflight.headers if h.startswith("access-control-")]


def test_allowed_origins_change_state_with_cors() -> None:
    _, client = _client(allow_origins="http://localhost:3000, HTTP://LOCALHOST:5173/")
    with client:
        reset = client.post("/_mock/reset", headers=LOCAL_APP)
        assert reset.status_code == 200
        assert reset.headers["access-control-allow-origin"] == "http://localhost:3000"
        assert reset.headers["access-control-expose-headers"] == "*"
        assert reset.headers["vary"] == "Origin"
        path = SAMPLES["nunu"][0]
        preflight = client.options(
            path,
            headers={
                "Origin": "http://localhost:5173",
                "Access-Control-Request-Method": "DELETE",
                "Access-Control-Request-Headers": "x-api-key, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
        assert "DELETE" in preflight.headers["access-control-allow-methods"]
        assert preflight.headers["access-control-allow-headers"] == "x-api-key, content-type"
        other = client.post("/_mock/reset", headers=EVIL)
        assert other.status_code == 403
        assert "access-control-allow-origin" not in other.headers


def test_any_origin() -> None:
    _, client = _client(allow_origins="*")
    with client:
        response = client.post("/_mock/reset", headers=EVIL)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"


def test_allowed_origins_are_checked() -> None:
    with pytest.raises(ValueError, match=r"invalid origin 'localhost:3000': give scheme://host"):
        Settings(allow_origins=("localhost:3000",))
    with pytest.raises(ValueError, match=r"invalid origin 'http://a/b'"):
        Settings(allow_origins=("http://a/b",))


def test_allow_origin_flag_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    args = build_parser().parse_args(
        ["serve", "--allow-origin", "http://a:1", "--allow-origin", "http://b:2"]
    )
    assert args.allow_origin == ["http://a:1", "http://b:2"]
    assert Settings(allow_origins=args.allow_origin).allow_origins == ("http://a:1", "http://b:2")
    monkeypatch.setenv("JOBMOCK_ALLOW_ORIGINS", "http://a:1,https://b.example")
    assert Settings().allow_origins == ("http://a:1", "https://b.example")
