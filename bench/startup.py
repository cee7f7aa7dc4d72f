"""Start-up costs: importing jobmock, launching ``jobmock serve`` until it answers the seed job
(compared with a bare ASGI app on uvicorn launched the same way), and an in-process reset.

    python bench/startup.py [--rounds 5]

Measured as an installed package starts: with its bytecode cached (pip compiles it when it
installs; ``python`` writes it on the first import). ``PYTHONDONTWRITEBYTECODE``, which some
machines set, is cleared for the script's own processes and one unmeasured launch of each
command comes first, or every start would compile every module again (~150 ms more here).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Any

from common import SEED_PATH, bare_cmd, free_port, jobmock_cmd, median, report, server


def import_seconds(statement: str, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        samples.append(time.perf_counter() - start)
    return median(samples)


def first_response(cmd_for_port: object, path: str, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        port = free_port()
        cmd = cmd_for_port(port)  # type: ignore[operator]
        with server(cmd, f"http://127.0.0.1:{port}{path}") as seconds:
            samples.append(seconds)
    return median(samples)


PRUNNER_QUERY = "id=52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"


def in_process(rounds: int) -> dict[str, float]:
    from jobmock import Settings, create_app
    from jobmock.core.auth import mint_jwt

    start = time.perf_counter()
    app = create_app(Settings(clock="manual"))
    build = time.perf_counter() - start
    backend = app.runtime.vendors["nunu"].backend
    prunner: Any = app.runtime.vendors["prunner"].backend
    bearer = "Bearer " + mint_jwt("jobmock-prunner-secret-0123456789", {"sub": "bench"})
    store = app.runtime.store
    resets: list[float] = []
    reads: list[float] = []
    prunner_cold: list[float] = []
    prunner_warm: list[float] = []
    for _ in range(rounds * 200):
        t = time.perf_counter()
        store.reset()
        resets.append(time.perf_counter() - t)
        t = time.perf_counter()
        backend.get_job("nunu_test_key", "f80f6230-3a4f-431a-9d55-d11b867fed4e")  # type: ignore[attr-defined]
        reads.append(time.perf_counter() - t)
        for samples in (prunner_cold, prunner_warm):  # after a reset, then again
            t = time.perf_counter()
            prunner.authenticate(bearer, {})
            prunner.job_detail(PRUNNER_QUERY)
            samples.append(time.perf_counter() - t)
    return {
        "create_app_ms": build * 1000,
        "reset_us": median(resets) * 1e6,
        "detail_backend_us": median(reads) * 1e6,
        "prunner_detail_cold_us": median(prunner_cold) * 1e6,
        "prunner_detail_us": median(prunner_warm) * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    first_response(lambda port: [*jobmock_cmd(), "serve", "--port", str(port)], SEED_PATH, 1)
    first_response(bare_cmd, SEED_PATH[5:], 1)
    import_seconds("import fastapi", 1)
    results = {
        "python_startup_ms": import_seconds("pass", rounds) * 1000,
        "import_jobmock_ms": import_seconds("import jobmock", rounds) * 1000,
        "import_fastapi_ms": import_seconds("import fastapi", rounds) * 1000,
        "bare_first_response_ms": first_response(bare_cmd, SEED_PATH[5:], rounds) * 1000,
        "jobmock_first_response_ms": first_response(
            lambda port: [*jobmock_cmd(), "serve", "--port", str(port)], SEED_PATH, rounds
        )
        * 1000,
        **in_process(rounds),
    }
    results["first_response_ratio"] = (
        results["jobmock_first_response_ms"] / results["bare_first_response_ms"]
    )
    report("startup", results)


if __name__ == "__main__":
    main()
