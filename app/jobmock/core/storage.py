"""Downloads a vendor hands out as signed URLs (Intuned's ``results.signed_url``), served by
jobmock itself at ``/_mock/storage/{vendor}/{key}`` and signed as S3 presigns (SigV4 query
parameters), with S3's answers: 403 ``AccessDenied`` "Request has expired" past the expiry on the
mock clock, 403 ``SignatureDoesNotMatch`` for a URL that was changed, 404 ``NoSuchKey``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote
from xml.sax.saxutils import escape

from jobmock.core.clock import as_utc

STORAGE_ROUTE = "/storage"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


class StoredObjects(Protocol):
    """A vendor backend whose signed URLs jobmock serves."""

    signer: Signer

    def stored_object(self, key: str, now: datetime) -> bytes | None:
        """The object at ``key`` (``None``: no such object)."""
        ...


def public_root(scope: Mapping[str, Any], mount: str) -> str:
    """This jobmock's URL as the client reached it (its ``Host``, the session's prefix), from
    a request to a vendor mounted at ``mount`` (``/intuned``; empty when served at the root)."""
    host = "jobmock"
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host = value.decode("latin-1")
            break
    root: str = scope.get("root_path", "")
    if mount and root.endswith(mount):
        root = root[: -len(mount)]
    return f"{scope.get('scheme', 'http')}://{host}{root}"


class Signer:
    """Signs and checks storage URLs with a secret of one jobmock."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, path: str, date: str, expires: str) -> str:
        message = f"{path}\n{date}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def sign(self, root: str, vendor: str, key: str, now: datetime, valid: timedelta) -> str:
        path = f"/_mock{STORAGE_ROUTE}/{vendor}/{quote(key)}"
        date, expires = now.strftime(_AMZ_DATE), str(int(valid.total_seconds()))
        query = (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            f"&X-Amz-Credential=JOBMOCK%2F{now:%Y%m%d}%2Fus-east-1%2Fs3%2Faws4_request"
            f"&X-Amz-Date={date}&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host"
            f"&X-Amz-Signature={self._signature(path, date, expires)}"
        )
        return f"{root}{path}?{query}"

    def check(self, path: str, query: Mapping[str, str], now: datetime) -> tuple[int, bytes] | None:
        """The S3 refusal of a request for ``path`` (``/_mock/storage/...``), or None."""
        date, expires = query.get("X-Amz-Date", ""), query.get("X-Amz-Expires", "")
        signature = query.get("X-Amz-Signature", "")
        if not (date and expires and signature):
            return 403, s3_error("AccessDenied", "Access Denied")
        expected = self._signature(path, date, expires)
        if not hmac.compare_digest(expected, signature):
            message = (
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method."
            )
            return 403, s3_error("SignatureDoesNotMatch", message)
        signed = as_utc(datetime.strptime(date, _AMZ_DATE))
        ends = signed + timedelta(seconds=int(expires))
        if now > ends:
            extra = {
                "X-Amz-Expires": expires,
                "Expires": ends.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ServerTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            return 403, s3_error("AccessDenied", "Request has expired", extra)
        return None


def s3_error(code: str, message: str, extra: Mapping[str, str] | None = None) -> bytes:
    """S3's XML error document."""
    fields = {"Code": code, "Message": message, **(extra or {})}
    request_id = hashlib.sha256(f"{code}{message}".encode()).hexdigest()[:16].upper()
    fields["RequestId"] = request_id
    body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{body}</Error>'.encode()
