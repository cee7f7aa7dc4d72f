"""One attempt at a delivery: an HTTP POST of the payload as JSON, with the configured headers,
to the configured URL only, waiting at most the timeout."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx

    from jobmock.core.webhooks.model import WebhookEvent

#: The host of an in-process app (``jobmock.testing``'s handle): its deliveries stay in-process.
IN_PROCESS_HOST = "jobmock"
_LOCAL_NAMES = frozenset({"localhost", IN_PROCESS_HOST})


def refusal(url: str, allowed: tuple[str, ...]) -> str | None:
    """Why ``url`` may not receive deliveries, or None. Loopback always may; other hosts only
    when listed in ``allowed`` (``--webhook-target``; ``*`` for any)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL"
    host = parts.hostname.lower()
    if host in _LOCAL_NAMES or "*" in allowed or host in allowed:
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"{host} is not a loopback host; jobmock delivers elsewhere only to the hosts "
        "listed with --webhook-target (JOBMOCK_WEBHOOK_TARGETS)"
    )


def client(app: Any, timeout: float) -> httpx.AsyncClient:
    """A client that reaches ``http://jobmock`` in-process (through ``app``) and every other
    host over the network; it never follows redirects (a 3xx is not a delivery)."""
    import httpx

    mounts = {f"http://{IN_PROCESS_HOST}": httpx.ASGITransport(app=app)} if app else {}
    return httpx.AsyncClient(timeout=timeout, mounts=mounts, follow_redirects=False)


async def post(http: httpx.AsyncClient, event: WebhookEvent) -> tuple[int | None, str | None]:
    """The receiver's status, or None and why there was none."""
    import httpx

    headers = {"content-type": "application/json", **event.headers}
    body = json.dumps(event.payload).encode()
    timeout = http.timeout.read or 0.0
    try:
        # wait_for too: an in-process target (an ASGI transport) knows no network timeout.
        response = await asyncio.wait_for(
            http.post(event.url, content=body, headers=headers), timeout
        )
    except (httpx.TimeoutException, TimeoutError):
        return None, f"no answer within {timeout:g} s"
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return response.status_code, None
