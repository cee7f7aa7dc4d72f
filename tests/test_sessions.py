"""Sessions: isolated jobmocks in one server under ``/_session/{name}/``."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from jobmock import Settings, create_app
from jobmock.main import JobmockApp
from jobmock.testing.transport import JobmockTransport
from tests.conftest import START

SEED_JOB = "f80f6230-3a4f-431a-9d55-d11b867fed4e"
KEY = {"X-Api-Key": "nunu_test_key"}


def client_for(app: JobmockApp) -> httpx.Client:
    return httpx.Client(transport=JobmockTransport(app), base_url="http://jobmock")


@pytest.fixture
def app() -> JobmockApp:
    return create_app(Settings(clock="manual", start_time=START, max_sessions=3))


def test_sessions_are_isolated_from_each_other_and_the_root(app: JobmockApp) -> None:
    with client_for(app) as client:
        moved = client.post("/_session/a/_mock/clock", json={"advance": "1h"}).json()
        assert moved["now"] == "2026-11-01T13:00:00+00:00"
        added = client.post("/_session/a/_mock/jobs/nunu", json={"status": "QUEUED"}).json()
        job = f"/nunu/api/v1/jobs/{added['id']}"

        assert client.get(f"/_session/a{job}", headers=KEY).status_code == 200
        assert client.get(f"/_session/b{job}", headers=KEY).status_code == 404
        assert client.get(job, headers=KEY).status_code == 404
        for root in ("/_session/b", ""):
            assert client.get(f"{root}/_mock/clock").json()["now"] == "2026-11-01T12:00:00+00:00"

        journal = client.get("/_session/a/_mock/requests").json()["requests"]
        assert [(r["path"], r["status"]) for r in journal] == [(f"/api/v1/jobs/{added['id']}", 200)]
        assert client.get("/_session/b/_mock/health").json()["session"] == "b"
        assert "session" not in client.get("/_mock/health").json()
        assert client.get("/_mock/sessions").json() == {
            "session": None,
            "sessions": ["a", "b"],
            "limit": 3,
        }


def test_a_session_is_made_by_its_first_request_and_ends_when_told(app: JobmockApp) -> None:
    with client_for(app) as client:
        seed = client.get(f"/_session/ci-7/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
        assert seed.status_code == 200
        assert seed.json()["job_id"] == SEED_JOB
        client.post("/_session/ci-7/_mock/clock", json={"advance": "5m"})

        assert client.delete("/_session/ci-7/_mock/session").status_code == 204
        assert app.sessions.names() == []
        fresh = client.get("/_session/ci-7/_mock/clock").json()
        assert fresh["now"] == "2026-11-01T12:00:00+00:00"

        refused = client.delete("/_mock/session")
        assert refused.status_code == 400
        assert "root, not a session" in refused.json()["error"]


@pytest.mark.parametrize("path", ["/_session", "/_session/", "/_session/-x/_mock/health"])
def test_invalid_session_names(app: JobmockApp, path: str) -> None:
    with client_for(app) as client:
        response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"].startswith("invalid session name")


def test_the_session_limit(app: JobmockApp) -> None:
    with client_for(app) as client:
        for name in ("a", "b", "c"):
            assert client.get(f"/_session/{name}/_mock/health").status_code == 200
        response = client.get("/_session/d/_mock/health")
        assert response.status_code == 503
        assert response.json() == {
            "error": "this jobmock holds 3 sessions, its limit (--max-sessions); "
            "end some with DELETE /_session/NAME/_mock/session"
        }
        client.delete("/_session/a/_mock/session")
        assert client.get("/_session/d/_mock/health").status_code == 200


def test_one_vendor_at_the_root_works_in_a_session() -> None:
    app = create_app(Settings(vendor="nunu", clock="manual"))
    with client_for(app) as client:
        answer = client.get(f"/_session/s1/api/v1/jobs/{SEED_JOB}", headers=KEY)
        assert answer.json()["job_id"] == SEED_JOB
        assert client.get("/_session/s1/nunu/api/v1/jobs/x", headers=KEY).status_code == 404


def test_a_session_reloads_alone(tmp_path: Path) -> None:
    shutil.copytree(Settings().fixtures_dir / "nunu", tmp_path / "nunu")
    app = create_app(Settings(fixtures=tmp_path, vendors=("nunu",), clock="manual"))
    jobs = tmp_path / "nunu" / "jobs.yaml"
    running = "/nunu/api/v1/jobs/6bf46c69-7d2c-4f82-aeea-cbe226e87555"
    with client_for(app) as client:
        client.get("/_session/s/_mock/health")
        jobs.write_text(jobs.read_text().replace("{country: Germany}", "{country: Japan}"))
        assert client.post("/_session/s/_mock/reload").json()["vendors"] == ["nunu"]

        def country(root: str) -> str:
            body = client.get(root + running, headers=KEY).json()
            return str(body["template_data"]["country"])

        assert (country("/_session/s"), country("")) == ("Japan", "Germany")
        client.post("/_mock/reload")
        assert country("") == "Japan"


def test_sessions_can_be_switched_off() -> None:
    app = create_app(Settings(clock="manual", max_sessions=0))
    with client_for(app) as client:
        assert client.get("/_session/a/_mock/health").status_code == 503


def test_a_session_opened_with_a_manual_clock_keeps_it() -> None:
    """What the pytest plugin does on a server whose clock runs (a container's)."""
    app = create_app(Settings(start_time=START, max_sessions=2))
    with client_for(app) as client:
        client.post("/_session/ci-1/_mock/clock", json={"advance": "1h"})  # the old ci-1
        opened = client.put("/_mock/sessions/ci-1", json={"clock": "manual"})
        assert opened.status_code == 200
        assert opened.json() == {
            "session": "ci-1",
            "now": "2026-11-01T12:00:00+00:00",
            "mode": "manual",
            "scale": 1.0,
        }
        client.post("/_session/ci-1/_mock/clock", json={"advance": "5m"})
        for step in ("reset", "reload"):
            after = client.post(f"/_session/ci-1/_mock/{step}").json()
            assert (after["now"], after["mode"]) == ("2026-11-01T12:00:00+00:00", "manual")
        assert client.get("/_mock/clock").json()["mode"] == "real"
        assert client.get("/_session/other/_mock/clock").json()["mode"] == "real"
        # Opening a session of a name again starts it over; it does not count twice.
        assert client.put("/_mock/sessions/ci-1").json()["mode"] == "real"
        assert client.get("/_mock/sessions").json()["sessions"] == ["ci-1", "other"]


@pytest.mark.parametrize(
    ("name", "body", "status", "error"),
    [
        (
            "ci-1",
            {"clock": "slow"},
            400,
            "clock: Input should be 'real' or 'manual' (got 'slow') "
            '(expected no body, or {"clock": "real" or "manual"})',
        ),
        (
            "ci-1",
            {"mode": "manual"},
            400,
            "mode: unknown field (check its spelling and indentation) "
            '(expected no body, or {"clock": "real" or "manual"})',
        ),
        ("ci-1", [], 400, 'expected a JSON object: no body, or {"clock": "real" or "manual"}'),
        (
            "-x",
            None,
            400,
            "invalid session name '-x': 1 to 64 letters, digits, '.', '_' or '-', starting "
            "with a letter or digit",
        ),
        (
            "c",
            None,
            503,
            "this jobmock holds 3 sessions, its limit (--max-sessions); end some with DELETE "
            "/_session/NAME/_mock/session",
        ),
    ],
)
def test_opening_a_session_refused(
    app: JobmockApp, name: str, body: object, status: int, error: str
) -> None:
    with client_for(app) as client:
        for full in ("a", "b", "d"):
            client.get(f"/_session/{full}/_mock/health")
        response = client.put(f"/_mock/sessions/{name}", json=body)
    assert response.status_code == status
    assert response.json() == {"error": error}


def test_a_new_session_needs_the_control_token() -> None:
    app = create_app(Settings(clock="manual", start_time=START, control_token="s3cret"))
    token = {"Authorization": "Bearer s3cret"}
    with client_for(app) as client:
        for method, path in (
            ("GET", f"/_session/a/nunu/api/v1/jobs/{SEED_JOB}"),
            ("GET", "/_session/a/_mock/health"),
            ("POST", "/_session/a/_mock/reset"),
        ):
            refused = client.request(method, path, headers=KEY)
            assert (refused.status_code, refused.json()) == (
                401,
                {
                    "error": "making session 'a': the control API needs "
                    "'Authorization: Bearer <JOBMOCK_CONTROL_TOKEN>'"
                },
            )
        assert app.sessions.names() == []
        assert client.get("/_session/a/_mock/health", headers=token).status_code == 200
        # once made, the session serves its vendors to their own credentials, as the root does
        served = client.get(f"/_session/a/nunu/api/v1/jobs/{SEED_JOB}", headers=KEY)
        assert served.status_code == 200
        assert app.sessions.names() == ["a"]


def test_ending_an_unknown_session_is_a_404_and_makes_none(app: JobmockApp) -> None:
    with client_for(app) as client:
        response = client.delete("/_session/ghost/_mock/session")
        assert (response.status_code, response.json()) == (
            404,
            {"error": "no session 'ghost' to end; GET /_mock/sessions lists them"},
        )
        assert app.sessions.names() == []
        client.get("/_session/ghost/_mock/health")
        assert client.delete("/_session/ghost/_mock/session").status_code == 204
        assert client.delete("/_session/ghost/_mock/session").status_code == 404
