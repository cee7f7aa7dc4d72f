"""WireMock standalone, serving what the bare app serves: the 746-byte job document behind an
API-key check. The jar comes from the ``wiremock`` npm package, installed once into a cache
folder outside the repository (``~/.cache/jobmock-bench``); Java 17 or later runs it.

Tuned as a long CI job would run it: no request journal, no request logging, no banner, a
container thread pool sized for the connections measured (``threads``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from bare_app import BODY
from common import SEED_PATH

VERSION = "3.13.2"
CACHE = Path.home() / ".cache" / "jobmock-bench"


def jar(cache: Path = CACHE) -> Path:
    """The standalone jar, installed with npm on first use."""
    found = sorted(cache.glob(f"node_modules/wiremock/build/wiremock-standalone-{VERSION}.jar"))
    if found:
        return found[-1]
    if shutil.which("npm") is None:
        raise SystemExit("WireMock's jar comes from npm: install Node.js, or pass --no-wiremock")
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(cache),
            f"wiremock@{VERSION}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return jar(cache)


def root_dir(folder: Path) -> Path:
    """A WireMock root holding two stubs: the document for the right key, 401 otherwise."""
    mappings = folder / "mappings"
    mappings.mkdir(parents=True, exist_ok=True)
    ok = {
        "priority": 1,
        "request": {
            "method": "GET",
            "url": SEED_PATH,
            "headers": {"X-Api-Key": {"equalTo": "nunu_test_key"}},
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": BODY.decode(),
        },
    }
    denied = {
        "priority": 2,
        "request": {"method": "GET", "url": SEED_PATH},
        "response": {
            "status": 401,
            "headers": {"Content-Type": "application/json"},
            "body": '{"error":"Invalid API key"}',
        },
    }
    (mappings / "job.json").write_text(json.dumps(ok))
    (mappings / "denied.json").write_text(json.dumps(denied))
    return folder


def command(port: int, folder: Path, threads: int) -> list[str]:
    if shutil.which("java") is None:
        raise SystemExit("WireMock needs Java 17 or later: install it, or pass --no-wiremock")
    return [
        "java",
        "-jar",
        str(jar()),
        "--port",
        str(port),
        "--bind-address",
        "127.0.0.1",
        "--root-dir",
        str(root_dir(folder)),
        "--no-request-journal",
        "--disable-request-logging",
        "--disable-banner",
        "--container-threads",
        str(threads),
    ]
