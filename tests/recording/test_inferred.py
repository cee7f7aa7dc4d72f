"""What a recording infers where the vendor does not say, at its edges."""

from __future__ import annotations

import pytest

from jobmock.core.recording.errors import RecordError
from jobmock.vendors.osapi.record import _timeline

JOB = "548602df-ad47-4859-ae7f-17e11b008e85"


def osapi_doc(duration: str, updated_at: str) -> dict[str, object]:
    return {
        "id": JOB,
        "created": "2026-11-01T04:55:09Z",
        "agent_states": {"web-01": {"duration": duration, "status": "completed"}},
        "updated_at": updated_at,
        "timeline": [
            {"event": event, "hostname": "web-01", "timestamp": "2026-11-01T04:55:09Z"}
            for event in ("acknowledged", "started", "completed")
        ],
    }


def test_osapi_events_get_the_moments_the_document_pins() -> None:
    doc = osapi_doc("155.098621ms", "2026-11-01T04:55:09.977187727Z")
    assert [event["at"] for event in _timeline(doc)] == [
        "0.822089106s",  # as late as the start allows: it must come before it
        "0.822089106s",
        "0.977187727s",  # updated_at, exactly; the start its duration before
    ]


def test_an_osapi_document_whose_times_cannot_all_hold_is_refused() -> None:
    # A host that ran 2 s cannot start and end within the one second the timeline shows.
    doc = osapi_doc("2s", "2026-11-01T04:55:09.5Z")
    with pytest.raises(RecordError) as caught:
        _timeline(doc)
    assert str(caught.value) == (
        f"job {JOB}: its timeline, durations and updated_at do not fit together (no moment for "
        "each event meets them all)"
    )
