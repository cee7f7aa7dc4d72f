"""The journal as a HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/), which
browsers' developer tools and HTTP tools open.

What HAR asks for and the journal does not keep is given as HAR says to for missing data: the
response's body and headers are not journaled (``headersSize``/``bodySize`` -1, ``content.size``
0; of the headers only ``Retry-After`` is known). The URL is the one jobmock received: the
client's ``Host`` and jobmock's own path (with the vendor's prefix). ``startedDateTime`` is on the
mock clock, the time the client was told. jobmock's own facts ride in ``_``-prefixed fields, as
HAR allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from jobmock import __version__

HAR_VERSION = "1.2"
HTTP_VERSION = "HTTP/1.1"
#: The journal's fields carried over as HAR custom fields (``_vendor``...).
CUSTOM = ("vendor", "operation", "job", "state", "terminal", "fault", "suggestion", "notes")


def _pairs(items: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in items]


def _cookies(header: str | None) -> list[dict[str, str]]:
    if not header:
        return []
    pairs = (part.strip().partition("=") for part in header.split(";"))
    return [{"name": name, "value": value} for name, _, value in pairs if name]


def _status_text(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""  # 0: the connection was dropped, as browsers record it


def har_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One journal entry (as ``GET /_mock/requests`` answers it) as a HAR entry."""
    headers: Mapping[str, str] = entry["headers"]
    query = f"?{entry['query_string']}" if entry["query_string"] else ""
    body: str = entry["body"]
    request: dict[str, Any] = {
        "method": entry["method"],
        "url": f"http://{headers.get('host', 'jobmock')}{entry['raw_path']}{query}",
        "httpVersion": HTTP_VERSION,
        "cookies": _cookies(headers.get("cookie")),
        "headers": _pairs(headers.items()),
        "queryString": _pairs(parse_qsl(entry["query_string"], keep_blank_values=True)),
        "headersSize": -1,
        "bodySize": len(body.encode()),
    }
    if body:
        request["postData"] = {"mimeType": headers.get("content-type", ""), "text": body}
    response = {
        "status": entry["status"],
        "statusText": _status_text(entry["status"]),
        "httpVersion": HTTP_VERSION,
        "cookies": [],
        "headers": _pairs([("Retry-After", entry["retry_after"])] if entry["retry_after"] else []),
        "content": {"size": 0, "mimeType": "", "comment": "jobmock's journal keeps no answers"},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": -1,
    }
    duration = float(entry["duration_ms"])
    har: dict[str, Any] = {
        "startedDateTime": entry["at"],
        "time": duration,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": duration, "receive": 0},
        "comment": f"jobmock request #{entry['seq']}",
    }
    har.update({f"_{name}": entry[name] for name in CUSTOM if entry.get(name) not in (None, [])})
    return har


def journal_har(entries: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The whole HAR document for these journal entries, oldest first."""
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": "jobmock", "version": __version__},
            "entries": [har_entry(entry) for entry in entries],
        }
    }
