"""Where deliveries may go: loopback and the in-process app always, other hosts only when the
server lists them; and the pytest plugin's ``jobmock`` with a client's own receiver."""

from __future__ import annotations

import httpx
import pytest

from jobmock.core.webhooks.sender import refusal
from jobmock.settings import Settings
from jobmock.testing import MockHandle
from tests.webhooks.helpers import job, start
from tests.webhooks.receivers import own_receiver


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://127.8.9.10/hook",
        "http://[::1]:9000/hook",
        "https://localhost/hook",
        "http://jobmock/_mock/webhooks/receiver/x",
    ],
)
def test_loopback_is_always_a_target(url: str) -> None:
    assert refusal(url, ()) is None


def test_other_hosts_only_when_listed() -> None:
    url = "https://hooks.example.com/in"
    assert refusal(url, ("hooks.example.com",)) is None
    assert refusal(url, ("*",)) is None
    assert refusal(url, ("other.example.com",)) == (
        "hooks.example.com is not a loopback host; jobmock delivers elsewhere only to the hosts "
        "listed with --webhook-target (JOBMOCK_WEBHOOK_TARGETS)"
    )
    assert refusal("ftp://127.0.0.1/x", ("*",)) == "'ftp://127.0.0.1/x' is not an http(s) URL"


def test_the_environment_lists_targets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMOCK_WEBHOOK_TARGETS", "hooks.example.com, receiver")
    assert Settings().webhook_targets == ("hooks.example.com", "receiver")


def test_the_plugin_delivers_to_the_clients_own_receiver(jobmock: MockHandle) -> None:
    with own_receiver() as mine, httpx.Client(base_url=jobmock.url) as client:
        start(client, job("own-receiver-job", notifications=[{"type": "webhook", "url": mine.url}]))
        jobmock.advance("1m")
        [note] = mine.received
    assert note["body"]["jobRun"]["job_id"] == "own-receiver-job"
    assert jobmock.webhooks()[-1]["receiver_status"] == 204
