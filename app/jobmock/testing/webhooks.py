"""The handle's webhook verbs (a mixin of ``MockHandle``): deliveries, delivery faults, and the
receiver built into jobmock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobmock.testing.handle import MockHandle


@dataclass(frozen=True)
class WebhookReceiver:
    """A named inbox on the jobmock server: configure ``url`` as a webhook target, then read
    what arrived. Each request is ``{"at": mock time, "headers": {...}, "body": JSON}``."""

    handle: MockHandle
    name: str

    @property
    def url(self) -> str:
        return f"{self.handle.url.rstrip('/')}/_mock/webhooks/receiver/{self.name}"

    def requests(self) -> list[dict[str, Any]]:
        path = f"/webhooks/receiver/{self.name}"
        return list(self.handle._webhooks_call("GET", path)["received"])

    def bodies(self) -> list[Any]:
        return [request["body"] for request in self.requests()]

    def answer(self, status: int, times: int | None = 1, delay: float = 0.0) -> None:
        """Answer the next ``times`` deliveries (every one if None) with ``status``, after
        ``delay`` wall seconds; then 200 again."""
        body = {"status": status, "times": times, "delay": delay}
        self.handle._webhooks_call("PUT", f"/webhooks/receiver/{self.name}", body)

    def clear(self) -> None:
        self.handle._webhooks_call("DELETE", f"/webhooks/receiver/{self.name}")


class WebhookVerbs:
    """Mixed into ``MockHandle``."""

    def _webhooks_call(self: Any, method: str, path: str, body: Any = None) -> Any:
        """One webhook control operation: in-process when the handle holds the app."""
        from jobmock.testing.handle import JobmockError

        app = getattr(self, "app", None)
        if app is None:
            return self._call(method, path, body)
        from jobmock.control.models import NO_BODY
        from jobmock.control.webhooks import WebhookControl
        from jobmock.core.errors import MockError

        try:
            parts = path.removeprefix("/").split("/")
            answer = WebhookControl(app.runtime).call(
                method, parts, NO_BODY if body is None else body
            )
        except MockError as exc:
            raise JobmockError(exc.message, exc.status) from None
        assert answer is not NotImplemented, path
        return answer

    def webhooks(self, kind: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """Every webhook delivery, oldest first (``kind``: sink or notification; ``status``:
        pending, delivered, failed, dropped or refused), with its attempts."""
        found = self._webhooks_call("GET", "/webhooks")["deliveries"]
        return [
            d
            for d in found
            if (kind is None or d["kind"] == kind) and (status is None or d["status"] == status)
        ]

    def webhook_receiver(self: Any, name: str = "default") -> WebhookReceiver:
        """The receiver ``name`` built into jobmock (its ``url`` goes in a job's webhooks)."""
        return WebhookReceiver(self, name)

    def add_webhook_fault(self, fault: str, **options: Any) -> int:
        """A delivery fault (``delay`` with ``seconds``, ``drop``, ``duplicate``, ``reorder``),
        for the next ``times`` deliveries matching ``url``/``kind``; returns its id."""
        body = {"fault": fault, **options}
        return int(self._webhooks_call("POST", "/webhooks/faults", body)["id"])

    def webhook_faults(self) -> list[dict[str, Any]]:
        return list(self._webhooks_call("GET", "/webhooks/faults")["faults"])

    def clear_webhook_faults(self) -> None:
        self._webhooks_call("DELETE", "/webhooks/faults")

    def set_webhook_timeout(self, seconds: float) -> None:
        """How long one delivery attempt waits for its receiver (wall seconds)."""
        self._webhooks_call("POST", "/webhooks/config", {"timeout": seconds})
