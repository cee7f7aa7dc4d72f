"""What the pytest plugin costs: pytest start-up on a one-test project with jobmock installed
(its plugin and the pytest plugins of its dependencies, Faker's and anyio's, loaded) against the
same run with those plugins disabled (as if not installed); and how long ``jobmock_server`` takes
to be ready (cold, then warm).

    python bench/plugin.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import median, report

VARIANTS = {
    "plugins_disabled": ["-p", "no:jobmock", "-p", "no:faker", "-p", "no:anyio"],
    "jobmock_only": ["-p", "no:faker", "-p", "no:anyio"],
    "all_installed_plugins": [],
    "without_faker_plugin": ["-p", "no:faker"],
}

READY = """
import time
t0 = time.perf_counter()
from jobmock.testing import MockServer
first = MockServer().start()
t1 = time.perf_counter()
second = MockServer().start()
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000)
first.stop(); second.stop()
"""


def pytest_seconds(project: Path, extra: list[str], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra],
            cwd=project,
            check=True,
            capture_output=True,
        )
        samples.append(time.perf_counter() - start)
    return median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "test_one.py").write_text("def test_one():\n    assert True\n")
        for name, extra in VARIANTS.items():
            results[f"pytest_{name}_ms"] = pytest_seconds(project, extra, rounds) * 1000
    ready = [
        subprocess.run(
            [sys.executable, "-c", READY], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(max(3, rounds // 3))
    ]
    results["server_ready_cold_ms"] = median([float(r[0]) for r in ready])
    results["server_ready_warm_ms"] = median([float(r[1]) for r in ready])
    report("plugin", results)


if __name__ == "__main__":
    main()
