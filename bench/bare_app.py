"""The baseline every benchmark is compared with: a bare ASGI callable on the same server that
does the least a mock could do (check an API key, answer one pre-serialised job document)."""

from __future__ import annotations

from typing import Any

BODY = (
    b'{"job_id":"f80f6230-3a4f-431a-9d55-d11b867fed4e","project_id":"test","status":"COMPLETED",'
    b'"created_at":"2026-03-03T15:50:19.544603+00:00","completed_at":"2026-03-03T15:54:24.463635'
    b'+00:00","multiplayer_test_id":"a5060a07-d386-4279-98ce-b33fb884201e","test_name":"IP & GP'
    b'S Geolocation Verification","platform":"lt_phone","build_id":null,"test_plan_execution_id'
    b'":null,"queue_rejection_reason":null,"templating_enabled":true,"template_data":{"country":'
    b'"Switzerland"},"stopped_by":null,"tags":["location","templatable"],"retries":{"total":0,"r'
    b'emaining":0},"runs":[{"multiplayer_run_id":"lkkg6t5612m","state":"COMPLETED","result":"SU'
    b'CCESS","started_at":"2026-03-03T15:50:23.601048+00:00","completed_at":"2026-03-03T15:54:24'
    b'.261038+00:00","players":1}]}'
)
OK = {
    "type": "http.response.start",
    "status": 200,
    "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(BODY)).encode()),
    ],
}
DENIED = {
    "type": "http.response.start",
    "status": 401,
    "headers": [(b"content-type", b"application/json")],
}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    key = dict(scope["headers"]).get(b"x-api-key")
    if key != b"nunu_test_key":
        await send(DENIED)
        await send({"type": "http.response.body", "body": b'{"error":"Invalid API key"}'})
        return
    await send(OK)
    await send({"type": "http.response.body", "body": BODY})
