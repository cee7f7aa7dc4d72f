"""The control API of webhooks and downloads, one router of its own:

- ``GET /_mock/webhooks``: every delivery (target, headers, payload, attempts with the
  receiver's status and mock-clock times); ``POST|GET|DELETE /_mock/webhooks/faults``: delivery
  faults; ``POST /_mock/webhooks/config``: the attempt timeout.
- ``/_mock/webhooks/receiver/{name}``: the built-in receiver (POST records, GET reads, PUT says
  how it answers, DELETE forgets).
- ``GET /_mock/storage/{vendor}/{key}``: what a vendor's signed URLs download.

The receiver's POST and the downloads are public (no control token): vendors' senders and
clients' downloads carry none.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from jobmock.control.models import NO_BODY, parse
from jobmock.core.storage import STORAGE_ROUTE, StoredObjects, s3_error
from jobmock.core.webhooks.faults import ACCEPTED as FAULT_ACCEPTED
from jobmock.core.webhooks.faults import DeliveryFaultSpec
from jobmock.core.webhooks.outbox import Outbox
from jobmock.core.webhooks.receiver import ACCEPTED as ANSWER_ACCEPTED
from jobmock.core.webhooks.receiver import ReceiverAnswer

if TYPE_CHECKING:
    from jobmock.runtime import Runtime

RECEIVER = "/webhooks/receiver/"
#: Control paths anyone may call when the control API has a token (method, path prefix).
PUBLIC = (("POST", RECEIVER), ("GET", STORAGE_ROUTE + "/"))
MAX_TIMEOUT = 60.0


class WebhookConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    ACCEPTED: ClassVar[str] = (
        f"'timeout': wall seconds one attempt waits for the receiver (at most {MAX_TIMEOUT:g})"
    )

    timeout: float = Field(gt=0, le=MAX_TIMEOUT)


def is_public(method: str, route: str) -> bool:
    return any(method == m and route.startswith(prefix) for m, prefix in PUBLIC)


class WebhookControl:
    """The operations, shared by the routes and the in-process handle."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @property
    def outbox(self) -> Outbox:
        assert self.runtime.webhooks is not None
        return self.runtime.webhooks

    def deliveries(self) -> dict[str, Any]:
        return {"deliveries": self.outbox.deliveries()}

    def add_fault(self, body: Any) -> dict[str, Any]:
        return self.outbox.faults.add(parse(DeliveryFaultSpec, body, FAULT_ACCEPTED)).describe()

    def faults(self) -> dict[str, Any]:
        return {"faults": self.outbox.faults.list()}

    def clear_faults(self) -> None:
        self.outbox.faults.clear()

    def configure(self, body: Any) -> dict[str, Any]:
        self.outbox.timeout = parse(WebhookConfig, body, WebhookConfig.ACCEPTED).timeout
        return {"timeout": self.outbox.timeout}

    def received(self, name: str) -> dict[str, Any]:
        return {"name": name, "received": self.outbox.receivers.received(name)}

    def program(self, name: str, body: Any) -> dict[str, Any]:
        answer = parse(ReceiverAnswer, {} if body is NO_BODY else body, ANSWER_ACCEPTED)
        self.outbox.receivers.program(name, answer)
        return {"name": name, **answer.model_dump()}

    def forget(self, name: str) -> None:
        self.outbox.receivers.clear(name)

    def call(self, method: str, parts: list[str], body: Any) -> Any:
        """The in-process handle's route to these operations; NotImplemented if not one."""
        match method, parts:
            case "GET", ["webhooks"]:
                return self.deliveries()
            case "POST", ["webhooks", "faults"]:
                return self.add_fault(body)
            case "GET", ["webhooks", "faults"]:
                return self.faults()
            case "DELETE", ["webhooks", "faults"]:
                return self.clear_faults()
            case "POST", ["webhooks", "config"]:
                return self.configure(body)
            case "GET", ["webhooks", "receiver", name]:
                return self.received(name)
            case "PUT", ["webhooks", "receiver", name]:
                return self.program(name, body)
            case "DELETE", ["webhooks", "receiver", name]:
                return self.forget(name)
        return NotImplemented


def add_routes(app: FastAPI, runtime: Runtime) -> None:
    from jobmock.control.answers import json_response
    from jobmock.control.routes import body_of

    control = WebhookControl(runtime)

    @app.get("/webhooks", summary="Every webhook delivery, with its attempts")
    async def deliveries() -> Response:
        return json_response(control.deliveries())

    @app.post("/webhooks/faults", summary="Add a delivery fault", status_code=201)
    async def add_fault(request: Request) -> Response:
        return json_response(control.add_fault(await body_of(request)), status=201)

    @app.get("/webhooks/faults", summary="The delivery faults, with how often each fired")
    async def faults() -> Response:
        return json_response(control.faults())

    @app.delete("/webhooks/faults", summary="Remove every delivery fault", status_code=204)
    async def clear_faults() -> Response:
        control.clear_faults()
        return Response(status_code=204)

    @app.post("/webhooks/config", summary="Set how long an attempt waits for its receiver")
    async def configure(request: Request) -> Response:
        return json_response(control.configure(await body_of(request)))

    @app.post(RECEIVER + "{name}", summary="The built-in receiver: record a delivery")
    async def receive(name: str, request: Request) -> Response:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = dict(request.headers.items())
        outbox = control.outbox
        status, delay = outbox.receivers.receive(name, outbox.clock.now(), headers, body)
        if delay:
            await asyncio.sleep(delay)
        return json_response({"received": True}, status=status)

    @app.get(RECEIVER + "{name}", summary="What the built-in receiver NAME got, oldest first")
    async def received(name: str) -> Response:
        return json_response(control.received(name))

    @app.put(RECEIVER + "{name}", summary="How the built-in receiver NAME answers")
    async def program(name: str, request: Request) -> Response:
        return json_response(control.program(name, await body_of(request)))

    @app.delete(RECEIVER + "{name}", summary="Forget what the receiver NAME got", status_code=204)
    async def forget(name: str) -> Response:
        control.forget(name)
        return Response(status_code=204)

    @app.get(
        STORAGE_ROUTE + "/{vendor}/{key:path}",
        summary="Download what a vendor's signed URL points at",
    )
    async def download(vendor: str, key: str, request: Request) -> Response:
        status, body, media = fetch(runtime, vendor, key, dict(request.query_params))
        return Response(body, status_code=status, media_type=media)


def fetch(runtime: Runtime, vendor: str, key: str, query: dict[str, str]) -> tuple[int, bytes, str]:
    """A download: S3's answers, in S3's XML for refusals."""
    found = runtime.vendors.get(vendor)
    backend = found.backend if found is not None else None
    if backend is None or not hasattr(backend, "stored_object"):
        return (
            404,
            s3_error("NoSuchBucket", "The specified bucket does not exist"),
            "application/xml",
        )
    now = runtime.clock.now()
    path = f"/_mock{STORAGE_ROUTE}/{vendor}/{quote(key)}"
    stored: StoredObjects = backend  # type: ignore[assignment]
    refused = stored.signer.check(path, query, now)
    if refused is not None:
        return refused[0], refused[1], "application/xml"
    body = stored.stored_object(key, now)
    if body is None:
        return 404, s3_error("NoSuchKey", "The specified key does not exist."), "application/xml"
    return 200, body, "application/json"
