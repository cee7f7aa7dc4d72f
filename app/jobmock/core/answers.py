"""The answer most handlers give: a JSON body, built cheaply because hot reads build one per
request."""

from __future__ import annotations

from starlette.responses import Response


class JsonAnswer(Response):
    """The answer ``Response(body, status, media_type="application/json")`` gives, byte for
    byte, without Starlette's general header logic (for statuses that carry a body)."""

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = [
            (b"content-length", b"%d" % len(body)),
            (b"content-type", b"application/json"),
        ]
