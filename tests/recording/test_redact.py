"""``--redact``: personal fields and e-mail addresses replaced by Faker values, one replacement
per value throughout a recording, and the recording still serves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from jobmock.cli import main
from jobmock.core.recording.redact import Redactor
from tests.recording.conftest import INTUNED_KEY, NUNU_KEY, WORKSPACE, playing, replaying

API_KEY_ID = "7f028653-0e85-4c37-87be-c59976796155"  # stopped two bundled nunu jobs
USER_ID = "3f98e277-4cbd-47ad-9c90-a9587403e430"
STOPPED_BY_KEY = ["7f150524-34b9-45df-9e77-69b10f4205b4", "9be4bcfc-49b6-4a08-b2e6-cc3ababced20"]
STOPPED_BY_USER = "907a70c3-1012-4037-b64c-e4228c38fb29"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_nunu_ids_of_people_and_keys_are_replaced_stably(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    ids = [*STOPPED_BY_KEY, STOPPED_BY_USER]
    with playing(tmp_path, "nunu") as vendor:
        args = ["record", "nunu", "--base-url", vendor.base_url("nunu"), "--credential", NUNU_KEY]
        args += [arg for job in ids for arg in ("--job", job)]
        assert main([*args, "--redact", "--out", str(out)]) == 0, capsys.readouterr().err
    text = (out / "nunu" / "recorded.yaml").read_text()
    assert text.startswith("# jobmock record nunu --base-url http://127.0.0.1:")
    assert "--redact\n" in text.splitlines()[0] + "\n"
    assert API_KEY_ID not in text and USER_ID not in text
    jobs = {job["job_id"]: job for job in yaml.safe_load(text)["jobs"]}
    first, second = (jobs[job]["stopped_by"] for job in STOPPED_BY_KEY)
    assert first == second
    assert first["type"] == "api"
    assert UUID.match(first["value"]["key_id"])
    user = jobs[STOPPED_BY_USER]["stopped_by"]
    assert user["type"] == "user"
    assert UUID.match(user["value"]["user_id"])
    assert user["value"]["user_id"] != first["value"]["key_id"]
    with replaying(out, "nunu") as replay, replay.handle.client("nunu") as client:
        served = client.get(f"/jobs/{STOPPED_BY_KEY[0]}", headers={"X-Api-Key": "nunu_test_key"})
        assert served.json()["stopped_by"] == first


def test_intuned_webhook_headers_and_urls_are_replaced_stably(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with playing(tmp_path, "intuned") as vendor:
        args = ["record", "intuned", "--base-url", vendor.base_url("intuned")]
        args += ["--credential", INTUNED_KEY, "--workspace", WORKSPACE, "--project", "my-project"]
        args += ["--job", "every-status-job", "--redact", "--out", str(out)]
        assert main(args) == 0, capsys.readouterr().err
        job = httpx.get(
            f"{vendor.base_url('intuned')}/{WORKSPACE}/projects/my-project/jobs",
            headers={"x-api-key": INTUNED_KEY},
        ).json()[0]
    text = (out / "intuned" / "recorded.yaml").read_text()
    assert job["notifications"][0]["headers"] == {"X-Token": "abc"}
    assert "X-Token: abc" not in text
    assert job["sink"]["url"] not in text
    recorded = yaml.safe_load(text)["jobs"][0]
    sink_url = recorded["sink"]["url"]
    assert sink_url.startswith("https://")
    snapshots = [run["jobRun"]["job_configuration_snapshot"] for run in recorded["runs"]]
    assert {snapshot["sink"]["url"] for snapshot in snapshots} == {sink_url}
    assert {snapshot["notifications"][0]["headers"]["X-Token"] for snapshot in snapshots} == {
        recorded["notifications"][0]["headers"]["X-Token"]
    }
    with replaying(out, "intuned"):
        pass  # it loads: what was replaced keeps its kind


def test_emails_anywhere_and_the_credential_everywhere() -> None:
    redactor = Redactor(["s3cr3t-token"], personal=frozenset({"owner_name"}), salt=7)
    doc: dict[str, Any] = {
        "note": "mail ada@example.com or ada@example.com, not bob@example.org",
        "echo": "Bearer s3cr3t-token",
        "owner_name": "Ada Lovelace",
        "nested": [{"owner-name": "Ada Lovelace", "email": "ada@example.com"}],
    }
    out = redactor.apply(doc)
    emails = re.findall(r"\S+@\S+\.\w+", out["note"])
    assert len(emails) == 3 and emails[0] == emails[1].rstrip(",") != emails[2]
    assert "ada@example.com" not in out["note"] and "bob@example.org" not in out["note"]
    assert out["echo"] == "Bearer REDACTED"
    assert out["owner_name"] == out["nested"][0]["owner-name"] != "Ada Lovelace"
    assert out["nested"][0]["email"] == emails[0]
    # Without --redact only the credential goes.
    assert Redactor(["s3cr3t-token"], None).apply(doc)["note"] == doc["note"]
