"""Each runtime's outbox: fed by its vendors, moved by its clock, cleared by reset (without the
control API's routes, which are built when first asked for: ``core.lazy_app``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobmock.core.webhooks.outbox import Outbox

if TYPE_CHECKING:
    from jobmock.runtime import Runtime


def install(runtime: Runtime) -> Outbox:
    """Give ``runtime`` its outbox: fed by its vendors, moved by its clock, cleared by reset."""
    outbox = Outbox(
        runtime.clock,
        lambda: runtime.store.epoch,
        runtime.settings.webhook_targets,
        runtime.crashes,
        app=lambda: runtime.host,
    )
    outbox.sources = [
        vendor.backend  # type: ignore[misc]
        for vendor in runtime.vendors.values()
        if hasattr(vendor.backend, "webhook_events")
    ]
    if runtime.store.shared:
        from jobmock.shared.deliveries import claims_for

        outbox.claims = claims_for(runtime.store)
    runtime.clock.on_move(outbox.moved)
    runtime.store.on_reset(outbox.reset)
    runtime.webhooks = outbox
    return outbox
