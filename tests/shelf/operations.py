"""shelf's whole HTTP surface: one operation."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.responses import Response

from jobmock.core.operations import Call, Operation, OperationTable, Param, Security

if TYPE_CHECKING:
    from tests.shelf import ShelfBackend


def get_job(backend: ShelfBackend, call: Call) -> Response:
    """A job and its state."""
    job = backend.get_job(call.header(b"x-shelf-key"), call.params["jobId"])
    return Response(json.dumps(job), media_type="application/json")


OPERATIONS = OperationTable(
    [
        Operation(
            "GET",
            "/v1/jobs/{jobId}",
            "getJob",
            get_job,
            hot=True,
            summary="Get a job",
            params=(Param("jobId", examples=("job-1",)),),
            security=Security("api_key_header", "X-Shelf-Key"),
        )
    ]
)
