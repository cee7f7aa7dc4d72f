"""Throughput and tail latency of a job-detail GET over HTTP, with wrk, against a bare ASGI app
on the same server in the same run (the machine's noise moves absolute figures a lot; compare the
ratios).

    python bench/throughput.py [--duration 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess

from common import SEED_PATH, bare_cmd, free_port, jobmock_cmd, report, server

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            "X-Api-Key: nunu_test_key",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert p50 and p99
    return {
        "rps": rps,
        "p50_ms": float(p50.group(1)) * UNITS[p50.group(2)],
        "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)],
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    results = {}
    port = free_port()
    with server(bare_cmd(port), f"http://127.0.0.1:{port}{SEED_PATH[5:]}"):
        results["bare_asgi"] = wrk(
            f"http://127.0.0.1:{port}{SEED_PATH[5:]}", args.duration, args.connections
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}{SEED_PATH}"
    with server([*jobmock_cmd(), "serve", "--port", str(port), "--log-level", "warning"], url):
        results["jobmock_detail"] = wrk(url, args.duration, args.connections)
    bare, mock = results["bare_asgi"], results["jobmock_detail"]
    flat = {
        f"{server}_{key}": value for server, row in results.items() for key, value in row.items()
    }
    flat["ratio_rps"] = mock["rps"] / bare["rps"]
    flat["ratio_p99"] = mock["p99_ms"] / bare["p99_ms"]
    report("throughput", flat)


if __name__ == "__main__":
    main()
