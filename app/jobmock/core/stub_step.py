"""The gate's step for stubs, ``Prefer`` and scenarios (``VendorGate.serve``).

While no stub is live and the client sends neither ``Prefer`` nor ``X-Jobmock-Scenario``, it
costs the gate one call and a few checks (about 0.2 us of a 100 us hot read); a default scenario
(``use_scenario``, a fixture's ``scenario:``) brings in only the vendor's creating calls.
Otherwise, for a call to a documented operation, in this order: the oldest live stub that matches
answers (replaced, or jobmock's answer patched); ``Prefer: code=`` answers a documented status as
a fault of that status would; a scenario (header or default) on a creating operation adds the
vendor's own creation headers and, once the job exists, its fault rules.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from jobmock.core.errors import BadRequest, Injected
from jobmock.core.faults import FaultSpec
from jobmock.core.injection import Captured
from jobmock.core.jsonpatch import PatchFailed, apply_patch, parse_pointer
from jobmock.core.scenarios import SCENARIO_HEADER, Scenario, find, unknown
from jobmock.core.stubs import Stub, book_of

if TYPE_CHECKING:
    from starlette.types import Message

    from jobmock.core.gate import Exchange, VendorGate
    from jobmock.core.journal import JournalEntry
    from jobmock.core.operations import Operation

PREFER = "prefer"


class StubPatchFailed(Exception):
    """A stub's patch that did not fit jobmock's answer: kept as an error of the mock, so the
    test that made the call fails with the reason."""


class StubStep:
    __slots__ = ("book", "creating", "gate")

    def __init__(self, gate: VendorGate) -> None:
        self.gate = gate
        self.book = book_of(gate.store)
        ids = {op_id for scenario in gate.vendor.spec.scenarios for op_id in scenario.operations}
        self.creating = tuple(op for op in gate.operations.operations if op.operation_id in ids)
        """The operations a scenario can start a job on."""

    def wanted(self, entry: JournalEntry) -> bool:
        book, headers = self.book, entry.headers
        if book.live or PREFER in headers or SCENARIO_HEADER in headers:
            return True
        # A default scenario (a fixture's can last the server's life) concerns the vendor's
        # creating calls only: its hot reads stay off this step.
        return self.gate.slug in book.scenarios and any(
            op.method == entry.method and op.pattern.match(entry.path) for op in self.creating
        )

    async def serve(self, exchange: Exchange) -> bool:
        """Answers the call (True), or leaves it to the next steps, perhaps with headers added."""
        entry = exchange.entry
        match = self.gate.operations.match(entry.method, entry.path)
        if match is None or match.operation.method != entry.method:
            return False
        stub = None
        if self.book.live:
            with self.gate.store.lock:  # one count across processes sharing the state
                stub = self.book.take(self.gate.facts(exchange.entry, match))
        if stub is not None:
            entry.stub = stub.id
            entry.notes.append(f"stub {stub.id}: {stub.spec.action}")
            await (self._patched if stub.spec.patch is not None else self._replaced)(exchange, stub)
            return True
        prefer = entry.headers.get(PREFER)
        if prefer is not None and await self._prefer(exchange, match.operation, prefer):
            return True
        try:
            scenario = self._scenario(match.operation, entry.headers)
        except BadRequest as refusal:
            await exchange.answer(refusal)
            return True
        return scenario is not None and await self._create(exchange, scenario)

    # --- stubs ---------------------------------------------------------------------------------

    async def _replaced(self, exchange: Exchange, stub: Stub) -> None:
        spec = stub.spec
        if spec.gives("json"):
            body, kind = json.dumps(spec.json_body).encode(), b"application/json"
        else:
            body, kind = (spec.body or "").encode(), b"text/plain; charset=utf-8"
        own = self.gate.vendor.own_headers
        headers = [*(own(exchange.scope) if own is not None else ()), (b"content-type", kind)]
        start = {"type": "http.response.start", "status": spec.status or 200, "headers": headers}
        await self._send(exchange, stub, start, body)

    async def _patched(self, exchange: Exchange, stub: Stub) -> None:
        captured = Captured()
        await self.gate.app(exchange.scope, exchange.receive, captured.send)
        start = captured.start or {"type": "http.response.start", "status": 500, "headers": []}
        real = bytes(captured.body)
        assert stub.spec.patch is not None
        try:
            document = json.loads(real)
            patched = apply_patch(document, stub.spec.patch)
        except (ValueError, PatchFailed) as exc:
            reason = exc if isinstance(exc, PatchFailed) else "jobmock's answer is not JSON"
            raise StubPatchFailed(f"stub {stub.id}: the patch does not apply: {reason}") from None
        # Every vendor writes compact JSON; the Go servers end it with a newline.
        text = json.dumps(patched, ensure_ascii=False, separators=(",", ":"))
        body = (text + ("\n" if real.endswith(b"\n") else "")).encode()
        if stub.spec.status is not None:
            start = {**start, "status": stub.spec.status}
        await self._send(exchange, stub, start, body)

    @staticmethod
    async def _send(exchange: Exchange, stub: Stub, start: Message, body: bytes) -> None:
        mine = {name.lower().encode() for name in stub.spec.headers}
        kept = [
            (k, v)
            for k, v in start.get("headers", ())
            if k.lower() != b"content-length" and k.lower() not in mine
        ]
        added = [(n.lower().encode(), v.encode()) for n, v in stub.spec.headers.items()]
        length = (b"content-length", str(len(body)).encode())
        await exchange.send({**start, "headers": [*kept, *added, length]})
        await exchange.send({"type": "http.response.body", "body": body})

    # --- Prefer --------------------------------------------------------------------------------

    async def _prefer(self, exchange: Exchange, op: Operation, header: str) -> bool:
        """Prism's ``Prefer: code=, example=, dynamic=``; other preferences are ignored."""
        wanted = dict(preferences(header))
        documented = sorted({op.status_code, *(c for c in op.errors if isinstance(c, int))})
        listed = ", ".join(map(str, documented))
        refusal = None
        if "example" in wanted:
            refusal = (
                f"Prefer: example={wanted['example']}: {op.operation_id} documents no named "
                f"examples (jobmock computes every answer from the job's state); it documents "
                f"the statuses {listed} (Prefer: code=...)"
            )
        elif wanted.get("dynamic", "true") != "true":
            refusal = (
                "Prefer: dynamic=false: jobmock has no static examples; every answer is "
                "computed from the job's state (dynamic=true)"
            )
        elif "code" in wanted and wanted["code"] != str(op.status_code):
            code = wanted["code"]
            if not code.isdigit() or int(code) not in documented:
                refusal = (
                    f"Prefer: code={code} is not a status {op.operation_id} documents; "
                    f"it documents {listed}"
                )
            else:
                exchange.entry.notes.append(f"Prefer: code={code}")
                await exchange.answer(Injected(int(code), "", reason="injected"))
                return True
        if refusal is None:
            return False
        exchange.entry.notes.append(refusal)
        await exchange.answer(BadRequest(refusal, reason="prefer"))
        return True

    # --- scenarios -----------------------------------------------------------------------------

    def _scenario(self, op: Operation, headers: dict[str, str]) -> Scenario | None:
        slug, scenarios = self.gate.slug, self.gate.vendor.spec.scenarios
        name = headers.get(SCENARIO_HEADER) or self.book.scenarios.get(slug)
        if name is None or not any(op.operation_id in s.operations for s in scenarios):
            return None
        scenario = find(scenarios, name)
        if scenario is None:
            message = f"X-Jobmock-Scenario: {unknown(slug, scenarios, name)}"
            raise BadRequest(message, reason="scenario")
        return scenario

    async def _create(self, exchange: Exchange, scenario: Scenario) -> bool:
        entry, scope = exchange.entry, exchange.scope
        added = scenario.header_values()
        clash = [n.decode() for n, _ in added if n.decode() in entry.headers]
        if clash:
            message = f"X-Jobmock-Scenario {scenario.name!r} sets {', '.join(clash)}: send one"
            await exchange.answer(BadRequest(message, reason="scenario"))
            return True
        entry.notes.append(f"scenario {scenario.name}")
        scope["headers"] = [*scope.get("headers", ()), *added]
        if not scenario.faults:
            return False
        captured = Captured()
        await self.gate.app(scope, exchange.receive, captured.send)
        start = captured.start or {"type": "http.response.start", "status": 500, "headers": []}
        body = bytes(captured.body)
        if 200 <= start["status"] < 300:
            for job in created_ids(body, scenario.created):
                for rule in scenario.faults:
                    spec = FaultSpec.model_validate({**rule, "job": job})
                    self.gate.faults.add(self.gate.slug, spec, origin=f"scenario {scenario.name}")
        await exchange.send(start)
        await exchange.send({"type": "http.response.body", "body": body})
        return True


def preferences(header: str) -> list[tuple[str, str]]:
    """RFC 7240 preferences as ``(name, value)``, names lowercase, quotes taken off."""
    found = []
    for part in header.split(","):
        token = part.split(";", 1)[0].strip()
        if not token:
            continue
        name, _, value = token.partition("=")
        found.append((name.strip().lower(), value.strip().strip('"')))
    return found


def created_ids(body: bytes, pointer: str) -> list[str]:
    """The new job ids at ``pointer`` in a creation answer (none if it is not there)."""
    try:
        value: Any = json.loads(body)
        for token in parse_pointer(pointer):
            value = value[int(token)] if isinstance(value, list) else value[token]
    except (ValueError, KeyError, IndexError, TypeError):
        return []
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if isinstance(item, str | int)]
