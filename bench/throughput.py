"""Throughput and tail latency of a job-detail GET over HTTP, with wrk, against a bare ASGI app
on the same server in the same run (the machine's noise moves absolute figures a lot; compare the
ratios).

    python bench/throughput.py [--duration 10] [--connections 32] [--rounds 1]
                               [--baseline PATH/TO/OTHER/bin/jobmock]

``--baseline`` measures another jobmock build (say, main before a change, installed in a venv of
its own) in the same run, the servers taking turns round by round, so a before/after comparison
is a ratio of one run.
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


def _serve_and_measure(
    command: list[str], url: str, duration: int, connections: int
) -> dict[str, float]:
    with server(command, url):
        return wrk(url, duration, connections)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--baseline", help="another build's jobmock executable, measured too")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    builds = {"jobmock_detail": jobmock_cmd()}
    if args.baseline:
        builds["baseline_detail"] = [args.baseline]
    rounds: dict[str, list[dict[str, float]]] = {"bare_asgi": [], **{k: [] for k in builds}}
    for _ in range(args.rounds):
        port = free_port()
        bare_url = f"http://127.0.0.1:{port}{SEED_PATH[5:]}"
        rounds["bare_asgi"].append(
            _serve_and_measure(bare_cmd(port), bare_url, args.duration, args.connections)
        )
        for name, command in builds.items():
            port = free_port()
            url = f"http://127.0.0.1:{port}{SEED_PATH}"
            serve = [*command, "serve", "--port", str(port), "--log-level", "warning"]
            rounds[name].append(_serve_and_measure(serve, url, args.duration, args.connections))
    # The median round of each server, by requests a second.
    results = {
        name: sorted(rows, key=lambda row: row["rps"])[len(rows) // 2]
        for name, rows in rounds.items()
    }
    flat = {
        f"{server}_{key}": value for server, row in results.items() for key, value in row.items()
    }
    bare = results["bare_asgi"]
    for name in builds:
        prefix = "ratio" if name == "jobmock_detail" else "baseline_ratio"
        flat[f"{prefix}_rps"] = results[name]["rps"] / bare["rps"]
        flat[f"{prefix}_p99"] = results[name]["p99_ms"] / bare["p99_ms"]
    report("throughput", flat)


if __name__ == "__main__":
    main()
