"""How long one hostile request holds the event loop: the longest stretch between two turns of
a watcher task that runs beside it, per request, the app called as ASGI (no network, each
64 KiB of body a separate ``receive`` that yields, as a socket read would).

    python bench/hostile.py [ROUNDS]   # every case, after a warm-up round; the worst round
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from jobmock import Settings, create_app
from jobmock.core.auth import mint_jwt
from jobmock.core.limits import DEFAULT_MAX_BODY
from jobmock.main import JobmockApp
from jobmock.vendors.osapi.jwt.minting import b64_encode, mint

CHUNK = 64 * 1024
WORKSPACE = "123e4567-e89b-12d3-a456-426614174000"
INTUNED = f"/intuned/api/v1/workspace/{WORKSPACE}/projects/my-project/jobs"
OSAPI_JOB = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _headers() -> dict[str, dict[str, str]]:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    osapi = mint(
        b"jobmock-osapi-signing-key",
        roles=("admin",),
        permissions=(),
        subject="bench",
        issued_at=now,
        expires_at=now + timedelta(days=1),
    )
    prunner = mint_jwt("jobmock-prunner-secret-0123456789", {"sub": "bench"})
    return {
        "nunu": {"x-api-key": "nunu_test_key", "content-type": "application/json"},
        "intuned": {"x-api-key": "intuned_test_key", "content-type": "application/json"},
        "prunner": {"authorization": f"Bearer {prunner}"},
        "osapi": {"authorization": f"Bearer {osapi}", "content-type": "application/json"},
    }


WRITES = {
    "nunu": ("POST", "/nunu/api/v1/runs", "deployment_config_id"),
    "intuned": ("POST", INTUNED, "id"),
    "prunner": ("POST", "/prunner/pipelines/schedule", "pipeline"),
    "osapi": ("POST", "/osapi/node/_any/command/shell", "command"),
}


def bodies(cap: int) -> Iterator[tuple[str, bytes]]:
    """Bodies just under the cap that are as costly as JSON gets, and the other bad inputs."""
    room = cap - 64
    yield "dense ints", b'{"x":[' + b"1," * (room // 2 - 1) + b"1]}"
    yield "empty objects", b'{"x":[' + b"{}," * (room // 3 - 1) + b"{}]}"
    nest = b"[" * 100 + b"]" * 100 + b","
    yield "100-deep arrays", b'{"x":[' + nest * (room // len(nest) - 1) + nest[:-1] + b"]}"
    yield "one long string", b'{"x":"' + b"a" * room + b'"}'
    yield "deep 10,001", b"[" * 10_001 + b"]" * 10_001
    yield "deep objects 10,001", b'{"a":' * 10_001 + b"1" + b"}" * 10_001
    yield "5,000-digit number", b'{"x":' + b"1" * 5000 + b"}"


def field_bodies(field: str, cap: int) -> Iterator[tuple[str, bytes]]:
    room = cap - 64
    yield f"{field} a long string", b'{"' + field.encode() + b'":"' + b"a b " * (room // 4) + b'"}'


async def call(
    app: JobmockApp,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    length: bool = True,
) -> tuple[int, float]:
    """The response status and the longest time the loop was held while it was served."""
    raw_path, _, query = path.partition("?")
    head = [(k.encode(), v.encode()) for k, v in headers.items()]
    if body:
        head.append(
            (b"content-length", str(len(body)).encode())
            if length
            else (b"transfer-encoding", b"chunked")
        )
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": head,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    chunks = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)] or [b""]
    status = 0

    async def receive() -> Any:
        await asyncio.sleep(0)
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    worst = 0.0
    done = False

    async def watch() -> None:
        nonlocal worst
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0)
            now = time.perf_counter()
            worst = max(worst, now - last)
            last = now

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0)
    await app(scope, receive, send)
    done = True
    await watcher
    return status, worst * 1000


def cases(cap: int) -> Iterator[tuple[str, str, str, str, bytes, bool]]:
    for vendor, (method, path, field) in WRITES.items():
        for name, body in bodies(cap):
            yield vendor, name, method, path, body, True
        for name, body in field_bodies(field, cap):
            yield vendor, name, method, path, body, True
        yield vendor, "over the cap (Content-Length)", method, path, b"x" * (cap * 2), True
        yield vendor, "over the cap (chunked)", method, path, b"x" * (cap * 2), False
    long = "a" * 1_000_000
    reads: list[tuple[str, str]] = [
        ("nunu", f"/nunu/api/v1/jobs/{long}"),
        ("nunu", f"/nunu/api/v1/runs?status={long}"),
        ("intuned", f"{INTUNED}/{long}"),
        ("intuned", f"{INTUNED}?sortBy={long}"),
        ("prunner", f"/prunner/job/detail?id={long}"),
        ("prunner", f"/prunner/job/logs?id={long}&task={long}"),
        ("osapi", f"/osapi/job/{long}"),
        ("osapi", f"/osapi/node/{long}"),
        ("osapi", f"/osapi/job?status={long}"),
    ]
    for vendor, path in reads:
        yield vendor, f"GET {path.split(long)[0]}{{1 MB}}", "GET", path, b"", True
    yield "-", "GET /{1 MB} (no vendor)", "GET", "/" + long, b"", True


def deep_token(vendor: str) -> str:
    deep = b'{"a":' * 10_001 + b"1" + b"}" * 10_001
    return f"{b64_encode(deep)}.{b64_encode(b'{}')}.c2ln"


async def main() -> None:
    cap = DEFAULT_MAX_BODY
    app = create_app(Settings(clock="manual"))
    headers = _headers()
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rows: dict[tuple[str, str], tuple[int, float]] = {}
    extra: list[tuple[str, str, str, str, bytes, bool, dict[str, str]]] = []
    for vendor in ("prunner", "osapi"):
        token = {**headers[vendor], "authorization": f"Bearer {deep_token(vendor)}"}
        path = "/prunner/job/detail?id=x" if vendor == "prunner" else f"/osapi/job/{OSAPI_JOB}"
        extra.append((vendor, "JWT header 10,001 deep", "GET", path, b"", True, token))
    all_cases: list[tuple[str, str, str, str, bytes, bool, dict[str, str]]] = [
        (*case, headers.get(case[0], {})) for case in cases(cap)
    ] + extra
    for round_ in range(rounds + 1):  # the first warms up (lazy indexes, first imports)
        for vendor, name, method, path, body, length, head in all_cases:
            app.runtime.store.reset()
            status, held = await call(app, method, path, head, body, length)
            key = (vendor, name)
            if not round_:
                continue
            rows[key] = (status, max(held, rows.get(key, (0, 0.0))[1]))
    print(f"body cap {cap} bytes; worst of {rounds} rounds\n")
    print("| vendor | request | status | loop held, ms |")
    print("| --- | --- | --- | --- |")
    for (vendor, name), (status, held) in rows.items():
        print(f"| {vendor} | {name} | {status} | {held:.1f} |")
    crashes: list[BaseException] = app.runtime.crashes
    print(f"\ncrashes: {[repr(c) for c in crashes]}")


_: Callable[..., Any] = main

if __name__ == "__main__":
    asyncio.run(main())
