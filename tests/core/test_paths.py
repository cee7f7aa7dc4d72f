"""Path patterns: jobmock's prefixes come off, segments compare one by one, and a pattern must
cover at least the path after the vendor's base path."""

from __future__ import annotations

import pytest

from jobmock.core.paths import PathPattern, split

NUNU_JOB = split("/api/v1/jobs/abc")
TEMPLATE = ("api", "v1", "jobs", None)  # /api/v1/jobs/{jobId}


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("/jobs/abc", True),
        ("jobs/abc", True),
        ("/v1/jobs/abc", True),
        ("/api/v1/jobs/abc", True),
        ("/nunu/api/v1/jobs/abc", True),
        ("/_session/ci-7/nunu/api/v1/jobs/abc", True),
        ("/_session/ci-7/api/v1/jobs/abc", True),  # one vendor at the root, in a session
        ("/jobs/a?c", True),
        ("/jobs/[ab]bc", True),
        ("/**", True),
        ("/api/**/abc", True),
        ("/abc", False),  # shorter than what the client sends after its base URL
        ("/*", False),
        ("/jobs", False),
        ("/jobs/abc/runs", False),
        ("/x/api/v1/jobs/abc", False),
        ("/intuned/api/v1/jobs/abc", False),  # another vendor's prefix is not taken off
        ("/jobs/ABC", False),
    ],
)
def test_a_pattern_against_a_request(pattern: str, expected: bool) -> None:
    assert PathPattern(pattern).matches("nunu", NUNU_JOB, "/api/v1") is expected


def test_star_stays_within_a_segment() -> None:
    path = split("/api/v1/jobs/abc/cancel")
    assert not PathPattern("/jobs/*").matches("nunu", path, "/api/v1")
    assert PathPattern("/jobs/*/*").matches("nunu", path, "/api/v1")
    assert PathPattern("/jobs/**").matches("nunu", path, "/api/v1")


@pytest.mark.parametrize(
    "pattern, expected",
    [("/jobs/abc", True), ("/jobs/*", True), ("/jobs/", False), ("/jobs/*/x", False)],
)
def test_a_template_parameter_stands_for_any_segment(pattern: str, expected: bool) -> None:
    assert PathPattern(pattern).matches("nunu", TEMPLATE, "/api/v1") is expected


def test_a_vendor_at_the_root_has_no_base_path() -> None:
    path = split("/job/detail")
    assert PathPattern("/detail").matches("prunner", path, "") is False
    assert PathPattern("/prunner/job/*").matches("prunner", path, "") is True
