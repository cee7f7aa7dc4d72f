from pathlib import Path

import httpx

from jobmock.cli import main
from jobmock.testing import MockServer

JOB = "c6f87718-6d76-407e-881e-d162ae2eb154"
KEY = {"X-Api-Key": "nunu_test_key"}


def test_record_a_vendor_and_serve_the_recording(tmp_path: Path) -> None:
    # A jobmock plays the vendor here; point --base-url at https://nunu.ai/api/v1 for real.
    with MockServer(vendors="nunu") as vendor:
        url = vendor.base_url("nunu")
        args = ["record", "nunu", "--base-url", url, "--credential", "nunu_test_key"]
        assert main([*args, "--job", JOB, "--out", str(tmp_path)]) == 0
        expected = httpx.get(f"{url}/jobs/{JOB}", headers=KEY).content

    with MockServer(vendors="nunu", fixtures=tmp_path) as replay:
        served = httpx.get(f"{replay.base_url('nunu')}/jobs/{JOB}", headers=KEY).content

    assert served == expected
