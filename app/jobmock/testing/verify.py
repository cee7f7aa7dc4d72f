"""The handle's verification verbs: ``assert_requested``, ``assert_not_requested``,
``assert_no_unmatched`` and ``har()``, read from the journal (``GET /_mock/requests``) in every
mode. A failure shows the requests that came closest, each with what differed, as respx's and
WireMock's near-miss reports do."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jobmock.testing.records import RequestRecord

if TYPE_CHECKING:
    from collections.abc import Callable

#: How many near misses a failure lists.
SHOWN = 5


def _compact(value: Any, limit: int = 200) -> str:
    text = jsonlib.dumps(value, separators=(",", ":"), sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_difference(record: RequestRecord, expected: Any) -> str | None:
    try:
        sent = record.json()
    except ValueError:
        shown = record.body[:80] or "empty"
        return f"body is not JSON ({shown})"
    return None if sent == expected else f"json is {_compact(sent)}"


def _header_differences(record: RequestRecord, expected: Mapping[str, str]) -> list[str]:
    problems = []
    for name, value in expected.items():
        sent = record.header(name)
        if sent is None:
            problems.append(f"no {name} header")
        elif sent != value:
            problems.append(f"{name} is {sent!r}")
    return problems


def is_unmatched(record: RequestRecord) -> bool:
    """A request no vendor route took, or whose credentials were refused (a 401 the client
    earned, not one a fault injected)."""
    if record.vendor is None or record.operation is None:
        return True
    return record.status == 401 and record.fault is None


class VerifyMixin:
    if TYPE_CHECKING:
        _call: Callable[..., Any]

    def _journal(
        self,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
        operation: str | None = None,
    ) -> list[dict[str, Any]]:
        """The journal's entries as the control API answers them (JSON objects)."""
        wanted = {"vendor": vendor, "method": method, "path": path, "job": job}
        params = {k: v for k, v in {**wanted, "operation": operation}.items() if v is not None}
        return list(self._call("GET", "/requests", params=params)["requests"])

    def assert_requested(
        self,
        vendor: str,
        operation: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
        times: int | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> list[RequestRecord]:
        """Fail unless ``vendor`` got requests matching every criterion given: exactly ``times``
        of them, or at least one. ``operation`` is the vendor's operation id (``startRun``;
        ``jobmock routes`` lists them), ``path`` a journal path pattern (``/jobs/*``), ``json``
        the whole body as parsed JSON, ``headers`` values the request carried (other headers
        may come too). Returns the matching requests, oldest first."""
        every = [RequestRecord.from_dict(e) for e in self._journal(vendor)]
        scoped = {e["seq"] for e in self._journal(vendor, method, path, job, operation)}

        def differences(record: RequestRecord) -> list[str]:
            found = []
            if record.seq not in scoped:
                if operation is not None and record.operation != operation:
                    found.append(f"operation is {record.operation or 'none (no route)'}")
                if method is not None and record.method != method.upper():
                    found.append(f"method is {record.method}")
                if job is not None and record.job != job:
                    found.append(f"job is {record.job}")
                if not found:  # only the path pattern can have failed
                    found.append(f"path is {record.path}")
            if json is not None and (problem := _json_difference(record, json)):
                found.append(problem)
            found.extend(_header_differences(record, headers or {}))
            return found

        matched = [record for record in every if not differences(record)]
        if (len(matched) >= 1) if times is None else (len(matched) == times):
            return matched
        criteria = {
            "operation": operation,
            "method": method,
            "path": path,
            "job": job,
            "json": json,
            "headers": dict(headers) if headers else None,
        }
        wanted = ", ".join(
            f"{name}={_compact(value) if name == 'json' else repr(value)}"
            for name, value in criteria.items()
            if value is not None
        )
        which = f"{vendor} requests{f' with {wanted}' if wanted else ''}"
        if times == 0:
            head = f"expected no {which}; {len(matched)} came"
        else:
            expected = "at least once" if times is None else f"{times} time(s)"
            head = f"expected {which} {expected}; matched {len(matched)}"
        if matched and times is not None:
            lines = [record.describe() for record in matched]
            raise AssertionError(f"{head}:\n  " + "\n  ".join(lines))
        raise AssertionError(f"{head}.\n{self._closest(vendor, every, differences)}")

    def assert_not_requested(
        self,
        vendor: str,
        operation: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Fail if ``vendor`` got any request matching every criterion given (as
        ``assert_requested``), listing the ones that did."""
        self.assert_requested(
            vendor,
            operation,
            method=method,
            path=path,
            job=job,
            times=0,
            json=json,
            headers=headers,
        )

    def _closest(
        self,
        vendor: str,
        every: list[RequestRecord],
        differences: Callable[[RequestRecord], list[str]],
    ) -> str:
        if not every:
            others = [RequestRecord.from_dict(e) for e in self._journal()][-SHOWN:]
            if not others:
                return "No request reached jobmock at all."
            shown = "\n  ".join(record.describe() for record in others)
            return f"No request reached {vendor}; the last ones jobmock got:\n  {shown}"
        ranked = sorted(every, key=lambda r: (len(differences(r)), -r.seq))[:SHOWN]
        lines = [f"{r.describe()}: {'; '.join(differences(r))}" for r in ranked]
        return f"Closest of the {len(every)} {vendor} request(s):\n  " + "\n  ".join(lines)

    def assert_no_unmatched(self, vendor: str | None = None) -> None:
        """Fail if a request (to ``vendor``, or to any) hit no known route, or had its
        credentials refused (a 401 no fault injected): a client calling a wrong path or
        sending a wrong key fails the test that did it, with the nearest valid path."""
        unmatched = [
            record
            for record in (RequestRecord.from_dict(e) for e in self._journal(vendor))
            if is_unmatched(record)
        ]
        if not unmatched:
            return
        lines = []
        for record in unmatched:
            why = "credentials refused" if record.operation else "no such route"
            if record.suggestion:
                why += f"; did you mean {record.suggestion}?"
            lines.append(f"{record.describe()}: {why}")
        raise AssertionError(
            f"{len(unmatched)} request(s) hit no known route or had their credentials "
            "refused:\n  " + "\n  ".join(lines)
        )

    def har(
        self,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        job: str | None = None,
        operation: str | None = None,
    ) -> dict[str, Any]:
        """The journal as a HAR 1.2 document (what ``GET /_mock/requests.har`` answers)."""
        from jobmock.core.har import journal_har

        return journal_har(self._journal(vendor, method, path, job, operation))
