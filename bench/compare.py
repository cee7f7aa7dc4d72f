"""jobmock against the bare ASGI app on the same HTTP server and against WireMock, side by side.

    python bench/compare.py [--rounds 3] [--duration 6] [--baseline OTHER/bin/jobmock]
                            [--targets "nunu job,OSAPI GET /job/{id}"] [--no-wiremock]
                            [--redis] [--allow-busy]

Every server runs for the whole comparison: jobmock (``jobmock serve``, default settings, the
bundled fixtures, journal on), the bare app (``bare_server.py``), WireMock standalone serving the
same document behind the same key check (``wiremock.py``; warmed for ``--wiremock-warmup``
seconds first, so its JIT has settled), with ``--baseline`` another jobmock build, and with
``--redis`` jobmock on the Redis store (a ``redis-server`` of the script's own) on one worker and
on two, for the nunu job read or the ``--targets`` chosen, with their ratios to the in-memory
jobmock on the same request and the goal of issue 16 checked in the summary. Each
round measures every server and every jobmock request once, in turn, with wrk (``--threads``,
``--connections``, ``--duration``; after ``--warmup`` seconds of unmeasured load): requests a
second, p50, p99, and the server's CPU time per request (its process tree, from /proc, over the
measured window). Ratios (requests a second to the bare app's and to WireMock's) are taken
within a round; the summary gives the median of each over the rounds.

The figures mean nothing when someone else is using the cores: other processes' CPU is sampled
before each measurement (waiting up to ``--wait`` seconds for a quiet moment) and during it,
and a busy measurement is taken again, twice at most, after which the script refuses to report
(exit status 3). ``--allow-busy`` reports anyway, for development on a shared machine, and says
so above every table.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import machine
import wiremock
from common import (
    BENCH,
    SEED_PATH,
    Redis,
    bare_server_cmd,
    free_port,
    jobmock_cmd,
    redis_server,
    wait_until,
)

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
NUNU = {"X-Api-Key": "nunu_test_key"}
INTUNED_KEY = {"x-api-key": "intuned_test_key"}
INTUNED = "/intuned/api/v1/workspace/123e4567-e89b-12d3-a456-426614174000/projects/my-project"
#: The request the Redis servers are measured on unless ``--targets`` picks others.
REDIS_DEFAULT = "nunu job"
#: Issue 16's goal for ``--workers 2`` on Redis, on this 2-core machine: requests a second over
#: one in-memory worker's, and p99 over its p99 at most.
GOAL_RPS, GOAL_P99 = 1.6, 1.5


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: dict[str, str]
    every_new: bool = False
    """Each request made unlike the one before (``every_request_new.lua``): none is answered
    from a kept answer, so the figure is a fresh render's."""


def jobmock_targets() -> list[Target]:
    """Each vendor's hot detail reads on the bundled fixtures' seed jobs, and a list page."""
    prunner, osapi = (_bearer(vendor) for vendor in ("prunner", "osapi"))
    return [
        Target("nunu job", SEED_PATH, NUNU),
        Target("nunu run", "/nunu/api/v1/runs/lkkg6t5612m", NUNU),
        Target("Intuned getJobRun", INTUNED + "/jobs/my-sample-job/runs/jr_abc123def456ghi789xyz",
               INTUNED_KEY),
        Target("Intuned getJob", INTUNED + "/jobs/my-sample-job", INTUNED_KEY),
        Target("prunner /job/detail", "/prunner/job/detail?id=52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8",
               prunner),
        Target("OSAPI GET /job/{id}", "/osapi/job/3fa85f64-5717-4562-b3fc-2c963f66afa6", osapi),
        Target("nunu list page", "/nunu/api/v1/jobs?page_size=20", NUNU),
        Target("Intuned getJobRuns page", INTUNED + "/jobs/my-sample-job/runs?pageSize=20",
               INTUNED_KEY),
        Target("prunner job list (whole)", "/prunner/pipelines/jobs", prunner),
        Target("OSAPI GET /job page", "/osapi/job?limit=20", osapi),
        # The same pages, each request unlike the one before: rendered for every read.
        Target("nunu list page (each new)", "/nunu/api/v1/jobs?page_size=20", NUNU, True),
        Target("Intuned getJobRuns page (each new)",
               INTUNED + "/jobs/my-sample-job/runs?pageSize=20", INTUNED_KEY, True),
        Target("OSAPI GET /job page (each new)", "/osapi/job?limit=20", osapi, True),
    ]  # fmt: skip


def _bearer(vendor: str) -> dict[str, str]:
    """A token the vendor's bundled fixtures accept, signed now for the real clock."""
    from jobmock.core.vendor import TokenRequest
    from jobmock.settings import Settings
    from jobmock.vendors import get_vendor

    mint = get_vendor(vendor).mint_token
    assert mint is not None
    folder = Settings().fixtures_dir / vendor
    token = mint(folder, TokenRequest(now=datetime.now(UTC), subject="bench"))
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    targets: list[Target]
    warmup: float = 0.0
    """Unmeasured load once, after start-up (WireMock's JIT; every worker of several up)."""
    against: str | None = None
    """The server whose rows for the same request this one's ``of in-memory`` ratios are to."""
    helpers: tuple[int, ...] = ()
    """Processes whose CPU is this server's while it is measured (its Redis)."""
    pid: int = 0

    def url(self, target: Target) -> str:
        return f"http://127.0.0.1:{self.port}{target.path}"

    def row(self, target: Target, detail: Target) -> str:
        return self.name if target is detail else f"{self.name} {target.name}"


@contextmanager
def running(servers: list[Server]) -> Iterator[None]:
    with ExitStack() as stack:
        for server in servers:
            process = subprocess.Popen(
                server.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            stack.callback(_stop, process)
            server.pid = process.pid
            for target in server.targets:
                try:
                    wait_until(server.url(target), target.headers, timeout=60)
                except TimeoutError:
                    raise SystemExit(f"{server.name}: no 200 from {target.path}") from None
        yield


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wrk(
    url: str, headers: dict[str, str], seconds: float, args: argparse.Namespace, new: bool = False
) -> str:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s", "--latency"]
    if new:
        command += ["-s", str(BENCH / "every_request_new.lua")]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout


def latency(out: str, percentile: str) -> float:
    found = re.search(rf"{percentile}%\s+([\d.]+)(us|ms|s)\b", out)
    assert found, out
    return float(found.group(1)) * UNITS[found.group(2)]


@dataclass
class Row:
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float
    others: float
    """Cores other processes used meanwhile."""
    ratios: dict[str, float] = field(default_factory=dict)


def measure(server: Server, target: Target, args: argparse.Namespace, ours: list[int]) -> Row:
    url = server.url(target)
    for _attempt in range(3):
        if not args.allow_busy:
            _wait_for_quiet(ours, args)
        if args.warmup:
            wrk(url, target.headers, args.warmup, args, target.every_new)
        pids = machine.tree(server.pid) + list(server.helpers)
        before = machine.Snapshot.take(ours)
        server_before = machine.process_cpu(pids)
        out = wrk(url, target.headers, args.duration, args, target.every_new)
        server_cpu = machine.process_cpu(pids) - server_before
        others = machine.others_cores(before, machine.Snapshot.take(ours))
        if errors := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
            raise SystemExit(f"{server.name} {target.name}: {errors.group(1)} error answers")
        count = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        row = Row(
            rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            p50_ms=latency(out, "50"),
            p99_ms=latency(out, "99"),
            cpu_us=server_cpu / max(count, 1) * 1e6,
            others=others,
        )
        if args.allow_busy or others <= args.max_other_cpu:
            return row
        print(f"  busy ({others:.2f} cores used by others), measuring again", file=sys.stderr)
    raise _busy(f"{server.name} {target.name}: other processes used {others:.2f} cores")


def _wait_for_quiet(ours: list[int], args: argparse.Namespace) -> None:
    deadline = time.monotonic() + args.wait
    while (others := machine.quiet_for(1.0, ours)) > args.max_other_cpu:
        if time.monotonic() > deadline:
            raise _busy(f"other processes kept {others:.2f} cores busy for {args.wait:g} s")


def _busy(why: str) -> SystemExit:
    print(
        f"refusing to report: the machine is busy ({why}; the limit is "
        "--max-other-cpu). Measure on a quiet machine, or pass --allow-busy to see noisy figures.",
        file=sys.stderr,
    )
    return SystemExit(3)


def ratios(round_rows: dict[str, Row], reference: dict[str, str]) -> None:
    """Each row's requests a second over the reference rows' (same round)."""
    for row in round_rows.values():
        for label, key in reference.items():
            if key in round_rows:
                row.ratios[label] = row.rps / round_rows[key].rps


def to_memory(round_rows: dict[str, Row], servers: list[Server], detail: Target) -> None:
    """Requests a second and p99 of each Redis row over the in-memory jobmock's, same request,
    same round."""
    for server in servers:
        if server.against is None:
            continue
        for target in server.targets:
            row = round_rows[server.row(target, detail)]
            memory = round_rows[f"{server.against} {target.name}"]
            row.ratios["of in-memory"] = row.rps / memory.rps
            row.ratios["p99 of in-memory"] = row.p99_ms / memory.p99_ms


def table(rows: dict[str, list[Row]], labels: list[str], others: bool = False) -> list[str]:
    """Medians of each row's runs; ``others`` adds the cores other processes used meanwhile."""
    extra = [*labels, "others' CPU"] if others else labels
    head = "| server, request | req/s | p50 | p99 | CPU/request |"
    lines = [head + "".join(f" {label} |" for label in extra)]
    lines.append("|" + " --- |" * (5 + len(extra)))
    for name, runs in rows.items():

        def mid(values: list[float]) -> float:
            return statistics.median(values)

        cells = [
            f"{mid([r.rps for r in runs]):,.0f}",
            f"{mid([r.p50_ms for r in runs]):.2f} ms",
            f"{mid([r.p99_ms for r in runs]):.2f} ms",
            f"{mid([r.cpu_us for r in runs]):.0f} us",
            *(
                f"{mid([r.ratios[label] for r in runs]):.2f}"
                if all(label in r.ratios for r in runs)
                else ""
                for label in labels
            ),
            *([f"{mid([r.others for r in runs]):.2f} cores"] if others else []),
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=6)
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds before each")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--baseline", help="another build's jobmock executable, measured too")
    parser.add_argument("--targets", help="comma-separated jobmock requests (default: all)")
    parser.add_argument("--no-wiremock", action="store_true")
    parser.add_argument("--wiremock-warmup", type=float, default=30)
    parser.add_argument("--wiremock-threads", type=int, default=16)
    parser.add_argument(
        "--redis",
        action="store_true",
        help=f"also jobmock on Redis, 1 and 2 workers ({REDIS_DEFAULT!r} unless --targets)",
    )
    parser.add_argument("--max-other-cpu", type=float, default=0.15, help="cores (default 0.15)")
    parser.add_argument("--wait", type=float, default=60, help="seconds to wait for quiet")
    parser.add_argument("--allow-busy", action="store_true", help="report on a busy machine")
    return parser.parse_args()


def chosen_targets(args: argparse.Namespace) -> list[Target]:
    targets = jobmock_targets()
    if not args.targets:
        return targets
    wanted = {t.strip() for t in args.targets.split(",")}
    chosen = [t for t in targets if t.name in wanted]
    if not chosen:
        names = ", ".join(t.name for t in targets)
        raise SystemExit(f"--targets: none of those; the requests are: {names}")
    return chosen


def redis_servers(redis: Redis, targets: list[Target], args: argparse.Namespace) -> list[Server]:
    """jobmock on the Redis store, one worker and two, on the chosen requests; warmed once so
    that every worker is up and holds its connections before the first measurement."""
    if not args.targets:
        targets = [t for t in targets if t.name == REDIS_DEFAULT]
    workers: list[tuple[str, list[str]]] = [("1 worker", []), ("2 workers", ["--workers", "2"])]
    servers = []
    for label, extra in workers:
        port = free_port()
        command = [*jobmock_cmd(), "serve", "--port", str(port), "--state", redis.url, *extra]
        name, helpers = f"jobmock Redis {label}", (redis.pid,)
        servers.append(
            Server(name, command, port, targets, warmup=2.0, against="jobmock", helpers=helpers)
        )
    return servers


def main() -> None:
    args = arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    targets = chosen_targets(args)
    detail = Target("detail", SEED_PATH, NUNU)
    port = free_port()
    servers = [Server("bare ASGI", bare_server_cmd(port), port, [detail])]
    folder = Path(tempfile.mkdtemp(prefix="jobmock-bench-wiremock-"))  # its mappings
    if not args.no_wiremock:
        port = free_port()
        command = wiremock.command(port, folder, args.wiremock_threads)
        servers.append(Server("WireMock", command, port, [detail], args.wiremock_warmup))
    builds = {"jobmock": jobmock_cmd()}
    if args.baseline:
        builds["baseline"] = [args.baseline]
    for name, executable in builds.items():
        port = free_port()
        command = [*executable, "serve", "--port", str(port)]
        servers.append(Server(name, command, port, targets))
    rows: dict[str, list[Row]] = {}
    rounds: list[dict[str, Row]] = []
    with ExitStack() as stack:
        if args.redis:
            redis = stack.enter_context(redis_server())
            servers += redis_servers(redis, targets, args)
        stack.enter_context(running(servers))
        for server in servers:
            if server.warmup:
                print(f"warming {server.name} for {server.warmup:g} s", file=sys.stderr)
                wrk(server.url(server.targets[0]), server.targets[0].headers, server.warmup, args)
        # After the warm-ups: every worker process is up by now.
        ours = [pid for s in servers for pid in (*machine.tree(s.pid), *s.helpers)]
        for number in range(args.rounds):
            current: dict[str, Row] = {}
            for server in servers:
                for target in server.targets:
                    name = server.row(target, detail)
                    print(f"round {number + 1}: {name}", file=sys.stderr)
                    current[name] = measure(server, target, args, ours)
            ratios(current, {"of bare": "bare ASGI", "of WireMock": "WireMock"})
            to_memory(current, servers, detail)
            rounds.append(current)
            for name, row in current.items():
                rows.setdefault(name, []).append(row)
    shutil.rmtree(folder, ignore_errors=True)
    goals = goal_lines(rows, servers, args) if args.redis else []
    _print(rows, rounds, args, goals)


def goal_lines(
    rows: dict[str, list[Row]], servers: list[Server], args: argparse.Namespace
) -> list[str]:
    """Issue 16's goal for two workers on Redis, and what one worker on Redis adds, per
    request measured on Redis (medians over the rounds)."""

    def mid(name: str, pick: Callable[[Row], float]) -> float:
        return statistics.median(pick(row) for row in rows[name])

    one, two = (s for s in servers if s.against is not None)
    lines = []
    for target in two.targets:
        name, single, memory = (f"{s} {target.name}" for s in (two.name, one.name, "jobmock"))
        speed = mid(name, lambda r: r.ratios["of in-memory"])
        p99 = mid(name, lambda r: r.ratios["p99 of in-memory"])
        met = speed >= GOAL_RPS and p99 <= GOAL_P99
        wiremock_part = "WireMock not measured"
        if not args.no_wiremock:
            ahead = mid(name, lambda r: r.ratios["of WireMock"])
            met = met and ahead > 1.0
            wiremock_part = f"{ahead:.2f}x WireMock (goal > 1)"
        wall = (1 / mid(single, lambda r: r.rps) - 1 / mid(memory, lambda r: r.rps)) * 1e6
        cpu = mid(single, lambda r: r.cpu_us) - mid(memory, lambda r: r.cpu_us)
        lines += [
            f"- {target.name}, 2 workers on Redis: {speed:.2f}x one in-memory worker "
            f"(goal >= {GOAL_RPS:g}), {wiremock_part}, p99 {p99:.2f}x one in-memory worker's "
            f"(goal <= {GOAL_P99:g}): {'met' if met else 'NOT met'}",
            f"- {target.name}, 1 worker on Redis over in-memory: {wall:+.0f} us of wall time "
            f"per request (1/req/s), {cpu:+.0f} us of CPU (jobmock and redis-server); where it "
            "goes: bench/redis_state.py",
        ]
    return lines


def _print(
    rows: dict[str, list[Row]],
    rounds: list[dict[str, Row]],
    args: argparse.Namespace,
    goals: list[str],
) -> None:
    labels = ["of bare"] + ([] if args.no_wiremock else ["of WireMock"])
    if args.redis:
        labels += ["of in-memory", "p99 of in-memory"]
    busiest = max(row.others for current in rounds for row in current.values())
    header = [
        f"wrk -t{args.threads} -c{args.connections}, {args.duration:g} s per measurement after "
        f"{args.warmup:g} s of warm-up; {args.rounds} rounds; {machine.CORES} cores; other "
        f"processes used at most {busiest:.2f} cores during a measurement",
    ]
    if args.allow_busy and busiest > args.max_other_cpu:
        header.insert(0, f"BUSY MACHINE (--allow-busy; over {args.max_other_cpu:g} cores used by "
                      "others): these figures are noise, not a result")  # fmt: skip
    elif args.allow_busy:
        header.insert(0, "--allow-busy: a busy machine would not have been refused (it was quiet)")
    out = [*header, ""]
    for number, current in enumerate(rounds, 1):
        out += [
            f"Round {number}",
            "",
            *table({k: [v] for k, v in current.items()}, labels, True),
            "",
        ]
    out += [
        f"Medians over {len(rounds)} rounds (ratios: the median of the per-round ratios)",
        "",
        *table(rows, labels),
    ]
    if goals:
        out += ["", "Issue 16 (Redis state)", "", *goals]
    print("\n".join(out))
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    data = {
        "header": header,
        "goals": goals,
        "rounds": [{k: vars(v) for k, v in current.items()} for current in rounds],
    }
    (results / "compare.json").write_text(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
