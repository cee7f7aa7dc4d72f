"""Every named scenario of every vendor, run on the manual clock to its end: chosen by a
client's ``X-Jobmock-Scenario``, by ``use_scenario``, and by the ``jobmock_scenarios`` marker."""

from __future__ import annotations

import httpx
import pytest

from jobmock.testing.handle import InProcessHandle
from jobmock.vendors import get_spec
from tests.stubs.conftest import TARGETS
from tests.stubs.courses import COURSES, course, state


@pytest.mark.parametrize(("vendor", "name"), [*COURSES, ("osapi", "fails")])
def test_each_scenario_by_header(
    vendor: str, name: str, client: httpx.Client, handle: InProcessHandle
) -> None:
    target = TARGETS[vendor]
    created = target.create(client, **{"X-Jobmock-Scenario": name})
    entry = handle.requests(vendor=vendor)[-1]
    assert entry.notes == [f"scenario {name}"]
    if (vendor, name) == ("osapi", "fails"):
        # OSAPI answers the node operation with the failure, and the job is failed for good.
        assert (created.status_code, created.content) == (
            500,
            b'{"error":"job failed: disk full"}\n',
        )
        handle.advance("1s")
        read = client.get("/osapi/job/65d2b65d-5abf-41bc-8e7c-4fc68f224821", headers=target.headers)
        assert (read.json()["status"], read.json()["error"]) == ("failed", "disk full")
        return
    assert created.status_code in (200, 201, 202), created.text
    job = target.created(created)
    assert course(client, handle, vendor, job) == COURSES[vendor, name]
    scenario = next(s for s in get_spec(vendor).scenarios if s.name == name)
    rules = [f for f in handle.faults() if f["origin"] == f"scenario {name}"]
    assert [(r["job"], r["exhausted"]) for r in rules] == [(job, True)] * len(scenario.faults)


def test_every_scenario_has_a_course() -> None:
    names = {(v, s.name) for v in TARGETS for s in get_spec(v).scenarios}
    assert names == {*COURSES, ("osapi", "fails")}


def test_default_scenario_for_every_new_job(client: httpx.Client, handle: InProcessHandle) -> None:
    handle.use_scenario("nunu", "stuck-queued")
    target = TARGETS["nunu"]
    jobs = [target.created(target.create(client)) for _ in range(2)]
    # A client's header wins over the default, for the job it creates.
    failing = target.created(target.create(client, **{"X-Jobmock-Scenario": "slow-then-fails"}))
    handle.advance("1h")
    assert [
        state("nunu", client.get(target.job_path(j), headers=target.headers)) for j in jobs
    ] == [
        "QUEUED",
        "QUEUED",
    ]
    assert state("nunu", client.get(target.job_path(failing), headers=target.headers)) == (
        "COMPLETED:ERROR"
    )
    # Kept for the job's life: no longer the default, still stuck.
    handle.use_scenario("nunu", None)
    assert state("nunu", client.get(target.job_path(jobs[0]), headers=target.headers)) == "QUEUED"
    newer = target.created(target.create(client))
    handle.advance("1h")
    assert state("nunu", client.get(target.job_path(newer), headers=target.headers)) == (
        "COMPLETED:SUCCESS"
    )


def test_scenario_header_only_on_creating_operations(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    read = TARGETS["nunu"].get(client, **{"X-Jobmock-Scenario": "no-such"})
    assert read.status_code == 200
    assert handle.requests()[-1].notes == []


@pytest.mark.parametrize(
    ("vendor", "headers", "message"),
    [
        ("nunu", {"X-Jobmock-Scenario": "stuck"}, "X-Jobmock-Scenario: nunu has no scenario "
         "'stuck'; its scenarios: slow-then-fails, stuck-queued, rate-limited-twice, "
         "fails-then-succeeds-on-retry"),
        ("nunu", {"X-Jobmock-Scenario": "stuck-queued", "X-Jobmock-Timeline": "[]"},
         "X-Jobmock-Scenario 'stuck-queued' sets x-jobmock-timeline: send one"),
    ],
)  # fmt: skip
def test_scenario_refusals(
    vendor: str, headers: dict[str, str], message: str, client: httpx.Client
) -> None:
    response = TARGETS[vendor].create(client, **headers)
    assert (response.status_code, response.json()) == (400, {"error": message})


def test_intuned_refusal_is_its_envelope(client: httpx.Client) -> None:
    response = TARGETS["intuned"].create(client, **{"X-Jobmock-Scenario": "nope"})
    body = response.json()
    body.pop("correlationId")
    assert (response.status_code, body) == (
        400,
        {
            "code": "bad-request",
            "category": "user",
            "message": "X-Jobmock-Scenario: intuned has no scenario 'nope'; its scenarios: "
            "slow-then-fails, stuck-queued, rate-limited-twice, fails-then-succeeds-on-retry",
            "retirable": False,
        },
    )


def test_marker_runs_a_test_per_scenario(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        SEEN = []

        @pytest.mark.jobmock_scenarios("prunner", "osapi")
        def test_each(jobmock, jobmock_scenario):
            listed = jobmock.scenarios(jobmock_scenario.vendor)
            assert jobmock_scenario.name in [s["name"] for s in listed]
            with jobmock.client() as c:
                got = c.get("/_mock/scenarios", params={"vendor": jobmock_scenario.vendor})
            assert got.json()["default"] == jobmock_scenario.name
        """
    )
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(
        [
            "*test_each?prunner:rate-limited-twice? PASSED*",
            "*test_each?prunner:fails-then-succeeds-on-retry? PASSED*",
            "*test_each?osapi:fails? PASSED*",
            "*test_each?osapi:skipped? PASSED*",
            "*test_each?osapi:rate-limited-twice? PASSED*",
            "*test_each?osapi:fails-then-succeeds-on-retry? PASSED*",
        ]
    )


@pytest.mark.parametrize(
    ("test", "message"),
    [
        ('@pytest.mark.jobmock_scenarios("acme")\ndef test_x(jobmock_scenario): pass',
         "@pytest.mark.jobmock_scenarios('acme'): unknown vendor 'acme'; one of nunu, intuned, "
         "prunner, osapi"),
        ("@pytest.mark.jobmock_scenarios()\ndef test_x(jobmock_scenario): pass",
         "@pytest.mark.jobmock_scenarios(): name one or more vendors: nunu, intuned, prunner, "
         "osapi"),
        ('@pytest.mark.jobmock_scenarios("nunu")\ndef test_x(jobmock): pass',
         "@pytest.mark.jobmock_scenarios on test_x: the test must take jobmock_scenario"),
        ("def test_x(jobmock_scenario): pass",
         "@pytest.mark.jobmock_scenarios: jobmock_scenario needs the marker on the test, "
         "naming the vendors"),
    ],
)  # fmt: skip
def test_marker_refusals(pytester: pytest.Pytester, test: str, message: str) -> None:
    pytester.makepyfile(f"import pytest\n\n{test}\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines([f"*{message}*"])
    assert result.ret != 0


def test_stub_and_prefer_answer_a_creating_call_first(
    client: httpx.Client, handle: InProcessHandle
) -> None:
    target = TARGETS["nunu"]
    handle.stub_next("nunu", "startRun", status=503, json={"error": "busy"})
    stubbed = target.create(client, **{"X-Jobmock-Scenario": "stuck-queued"})
    assert (stubbed.status_code, stubbed.json()) == (503, {"error": "busy"})
    preferred = target.create(
        client, **{"X-Jobmock-Scenario": "stuck-queued", "Prefer": "code=401"}
    )
    assert preferred.status_code == 401
    assert [e.notes for e in handle.requests(vendor="nunu")] == [
        ["stub 1: replaced"],
        ["Prefer: code=401"],
    ]
    # Neither made a job: the next start gets the first id nunu mints after a reset.
    assert target.created(target.create(client)) == "6563a158-0d1e-4510-8faf-e0988e5cd18b"
