"""POST /pipelines/schedule: the body as Go decodes it, and every refusal (spec/prunner.md §5)."""

from __future__ import annotations

import pytest

from tests.vendors.prunner.conftest import Prunner, error


def post_raw(prunner: Prunner, body: bytes) -> tuple[int, bytes]:
    response = prunner.request("POST", "/pipelines/schedule", content=body)
    return response.status_code, response.content


def test_empty_body_is_eof(prunner: Prunner) -> None:
    for body in (b"", b"  \n"):
        response = prunner.request("POST", "/pipelines/schedule", content=body)
        error(response, 400, "Error decoding JSON: EOF")


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"{pipeline: release}",
        b"[]",
        b'"release"',
        b"42",
        b'{"pipeline": 1}',
        b'{"pipeline": "release", "variables": []}',
        b'{"pipeline": "release", "variables": "x"}',
        b'{"pipeline": "release", "variables": {"n": NaN}}',
        b'{"pipeline": "release", "variables": {"n": 1e400}}',
    ],
)
def test_undecodable_body(prunner: Prunner, body: bytes) -> None:
    status, content = post_raw(prunner, body)
    assert status == 400
    assert content.startswith(b'{"error":"Error decoding JSON: ') and content.endswith(b'"}\n')


def test_unknown_pipeline(prunner: Prunner) -> None:
    error(
        prunner.post("/pipelines/schedule", {"pipeline": "nope"}),
        400,
        'Error scheduling pipeline: pipeline "nope" is not defined',
    )


@pytest.mark.parametrize("body", [{}, {"variables": {"a": 1}}, {"pipeline": None}])
def test_missing_pipeline_is_the_empty_name(prunner: Prunner, body: object) -> None:
    error(
        prunner.post("/pipelines/schedule", body),
        400,
        'Error scheduling pipeline: pipeline "" is not defined',
    )


def test_null_body_is_an_empty_request(prunner: Prunner) -> None:
    response = prunner.request("POST", "/pipelines/schedule", content=b"null")
    error(response, 400, 'Error scheduling pipeline: pipeline "" is not defined')


def test_pipeline_name_is_quoted_like_go(prunner: Prunner) -> None:
    status, content = post_raw(prunner, b'{"pipeline": "a\\"b\\n<\\u0001>"}')
    assert status == 400
    # Go's %q, then JSON with HTML escaping.
    assert content == (
        b'{"error":"Error scheduling pipeline: pipeline \\"a\\\\\\"b\\\\n\\u003c\\\\x01\\u003e\\" '
        b'is not defined"}\n'
    )


def test_field_names_match_case_insensitively(prunner: Prunner) -> None:
    status, content = post_raw(prunner, b'{"PIPELINE": "release", "Variables": {"x": true}}')
    assert status == 202
    job = prunner.detail(content.decode().split('"')[3])
    assert job["pipeline"] == "release" and job["variables"] == {"x": True}


def test_last_matching_field_wins(prunner: Prunner) -> None:
    status, _ = post_raw(prunner, b'{"pipeline": "nope", "Pipeline": "release"}')
    assert status == 202


def test_only_the_first_json_value_is_read(prunner: Prunner) -> None:
    status, _ = post_raw(prunner, b'{"pipeline": "release"} trailing garbage')
    assert status == 202


def test_unknown_fields_are_ignored(prunner: Prunner) -> None:
    assert prunner.schedule("release", queuePartition="p1", extra=[1, 2])


def test_variables_keep_their_values_as_go_does(prunner: Prunner) -> None:
    variables = {
        "b": [1.0, 1e21, 1.5e-7, 0.000001, 12345678901234567890, -0.0, 3.14],
        "a": {"z": None, "y": "<tag> & \u2028"},
        "c": False,
    }
    job_id = prunner.schedule("release", variables=variables)
    raw = prunner.get("/job/detail", id=job_id).content
    assert (
        b',"variables":{"a":{"y":"\\u003ctag\\u003e \\u0026 \\u2028","z":null},'
        b'"b":[1,1e+21,1.5e-7,0.000001,12345678901234567000,-0,3.14],"c":false},'
    ) in raw


def test_empty_or_null_variables_are_left_out(prunner: Prunner) -> None:
    variables: dict[str, str] | None
    for variables in ({}, None):
        job = prunner.detail(prunner.schedule("release", variables=variables))
        assert "variables" not in job


def test_lone_surrogates_become_replacement_characters(prunner: Prunner) -> None:
    status, content = post_raw(prunner, b'{"pipeline": "release", "variables": {"s": "\\ud800x"}}')
    assert status == 202
    raw = prunner.get("/job/detail", id=content.decode().split('"')[3]).content
    assert '"variables":{"s":"\ufffdx"}'.encode() in raw


def test_reserved_variable_fails_the_start_not_the_request(prunner: Prunner) -> None:
    job = prunner.detail(prunner.schedule("release", variables={"__jobID": "x"}))
    assert (job["completed"], job["canceled"], job["start"]) == (False, True, None)
    assert job["lastError"] == "variable name __jobID is reserved for internal use"
