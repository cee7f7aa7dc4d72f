"""How a generated run ends: its status, a variant of its counters (and of its error), and the
data of its last step (``successful_runs``, ``failed_runs``, ``error``, ``reason``).

The counters always add up: a ``SUCCESS`` run processed all its payloads, a ``COMPLETED`` one
too with some failed, a ``FAILURE`` or ``TERMINATED`` one stopped part of the way, a ``CANCELED``
one never started.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from jobmock.core.generate import derive_seed
from jobmock.vendors.intuned import schemas as s
from jobmock.vendors.intuned.records import TERMINATED_BY_USER, JobConfig

ERRORS = {
    "infrastructure": ("An error occurred while executing the job", "internal-server-error"),
    "billing": ("Your workspace ran out of resource credits.", "insufficient-resource-credits"),
}
NO_CREDITS = s.RunReason(
    type="insufficient-resource-credits",
    message="Not enough resource credits to continue.",
    doc_url="https://intunedhq.com/docs/main/support/reasons#insufficient-resource-credits",
)
BUSY = s.RunReason(
    type="another-job-run-active",
    message="Another job run is active for this job, so this job run could not start.",
    doc_url="https://intunedhq.com/docs/main/support/reasons#another-job-run-active",
)
AUTH_FAILED = s.RunReason(
    type="auth-session-validate-dependency-failed",
    message="Validating the AuthSession before the run failed; the job run was canceled.",
    doc_url="https://intunedhq.com/docs/main/support/reasons#auth-session-validate-dependency-failed",
)
SINK_FAILED = s.RunReason(
    type="s3-sink-error", message="Some results could not be written to the S3 bucket."
)
#: Statuses whose runs come in two variants of counters.
VARIANTS = {"COMPLETED": 2, "FAILURE": 2, "TERMINATED": 2}


@dataclass(frozen=True, slots=True)
class Kind:
    """How a run ends: its status and a variant of its counters (and error)."""

    status: str
    variant: int = 0

    def counts(self, payloads: int) -> tuple[int, int]:
        """(successful_runs, failed_runs) at the end, for a job of ``payloads`` payloads."""
        p, v = payloads, self.variant
        if self.status == "SUCCESS":
            return p, 0
        if self.status == "COMPLETED":
            failed = 1 if v == 0 else max(1, -(-p // 3))
            return p - failed, failed
        # FAILURE and TERMINATED stop before the last payload (one of those done may have failed).
        if self.status == "FAILURE":
            return (p // 2, min(1, p - p // 2 - 1)) if v == 0 else (p // 3, 0)
        if self.status == "TERMINATED":
            return (p // 2, 0) if v == 0 else (p // 4, min(1, p - p // 4 - 1))
        return 0, 0

    def ending(self, run_id: str, payloads: int, config: JobConfig) -> dict[str, Any]:
        """The data of the step that ends a run of this kind (of job ``config``)."""
        successful, failed = self.counts(payloads)
        data: dict[str, Any] = {}
        if self.status in ("COMPLETED", "FAILURE", "TERMINATED"):
            data = {"successful_runs": successful, "failed_runs": failed}
        if self.status == "FAILURE":
            data["error"] = _error(run_id, "infrastructure" if self.variant == 0 else "billing")
            if self.variant == 1:
                data["reason"] = NO_CREDITS
        elif self.status == "TERMINATED":
            data["reason"] = TERMINATED_BY_USER
        elif self.status == "CANCELED":
            data["reason"] = AUTH_FAILED if config.auth_session is not None else BUSY
        elif self.status == "COMPLETED" and isinstance(config.sink, s.S3Sink):
            data["reason"] = SINK_FAILED
        return data


def _error(run_id: str, category: str) -> s.RunError:
    message, code = ERRORS[category]
    return s.RunError(
        message=message,
        code=code,
        category=category,
        retirable=category == "infrastructure",
        correlationId=str(
            uuid.UUID(
                int=derive_seed("error", run_id) << 64 | derive_seed("error-low", run_id),
                version=4,
            )
        ),
        doc_url=f"https://intunedhq.com/docs/main/support/errors#{code}",
    )
