"""The default fixture jobs as OSAPI writes them at the start time (agents' timings are
generated from each job id, so these documents are the same on every run and machine)."""

from __future__ import annotations

from typing import Any

COMPLETED_QUERY: dict[str, Any] = {
    "agent_states": {"web-01": {"duration": "2.912578ms", "status": "completed"}},
    "changed": None,
    "created": "2026-11-01T11:42:39Z",
    "hostname": "web-01",
    "id": "4a6d1f0e-6c1b-4a55-9a39-0e9a6f3f6a11",
    "operation": {"data": {}, "type": "node.hostname.get"},
    "responses": {
        "web-01": {
            "changed": None,
            "data": {
                "changed": False,
                "hostname": "web-01",
                "labels": {"group": "web.dev.us-east"},
            },
            "hostname": "web-01",
            "status": "completed",
        }
    },
    "result": {"changed": False, "hostname": "web-01", "labels": {"group": "web.dev.us-east"}},
    "status": "completed",
    "timeline": [
        {
            "event": "acknowledged",
            "hostname": "web-01",
            "message": "Job acknowledged by agent web-01",
            "timestamp": "2026-11-01T11:42:39Z",
        },
        {
            "event": "started",
            "hostname": "web-01",
            "message": "Job processing started on web-01",
            "timestamp": "2026-11-01T11:42:39Z",
        },
        {
            "event": "completed",
            "hostname": "web-01",
            "message": "Job completed successfully on web-01",
            "timestamp": "2026-11-01T11:42:39Z",
        },
    ],
    "updated_at": "2026-11-01T11:42:39.521807732Z",
}

FAILED: dict[str, Any] = {
    "agent_states": {
        "db-01": {
            "duration": "1.680241ms",
            "error": "command execution failed: fork/exec /bin/sh: permission denied",
            "status": "failed",
        }
    },
    "changed": None,
    "created": "2026-11-01T11:10:21Z",
    "error": "command execution failed: fork/exec /bin/sh: permission denied",
    "hostname": "db-01",
    "id": "8f14e45f-ceea-467a-9e36-2b7f3c1d5a02",
    "operation": {"data": {"command": "systemctl restart nginx"}, "type": "command.shell.execute"},
    "responses": {
        "db-01": {
            "changed": None,
            "error": "command execution failed: fork/exec /bin/sh: permission denied",
            "hostname": "db-01",
            "status": "failed",
        }
    },
    "status": "failed",
    "timeline": [
        {
            "event": "acknowledged",
            "hostname": "db-01",
            "message": "Job acknowledged by agent db-01",
            "timestamp": "2026-11-01T11:10:21Z",
        },
        {
            "event": "started",
            "hostname": "db-01",
            "message": "Job processing started on db-01",
            "timestamp": "2026-11-01T11:10:21Z",
        },
        {
            "error": "command execution failed: fork/exec /bin/sh: permission denied",
            "event": "failed",
            "hostname": "db-01",
            "message": "Job failed on db-01",
            "timestamp": "2026-11-01T11:10:21Z",
        },
    ],
    "updated_at": "2026-11-01T11:10:21.162184824Z",
}

PARTIAL_FAILURE: dict[str, Any] = {
    "agent_states": {
        "db-01": {
            "duration": "633.126µs",
            "error": "command execution failed: exit status 100",
            "status": "failed",
        },
        "web-01": {"duration": "7.693824ms", "status": "completed"},
        "web-02": {"duration": "19.659192ms", "status": "completed"},
    },
    "changed": True,
    "created": "2026-11-01T11:02:32Z",
    "hostname": "web-02",
    "id": "c9f0f895-fb98-4b91-98a5-5c1f6e7d2b13",
    "operation": {"data": {"command": "apt-get update"}, "type": "command.shell.execute"},
    "responses": {
        "db-01": {
            "changed": None,
            "error": "command execution failed: exit status 100",
            "hostname": "db-01",
            "status": "failed",
        },
        "web-01": {
            "changed": True,
            "data": {"changed": True, "duration_ms": 6, "exit_code": 0, "stderr": "", "stdout": ""},
            "hostname": "web-01",
            "status": "completed",
        },
        "web-02": {
            "changed": True,
            "data": {
                "changed": True,
                "duration_ms": 18,
                "exit_code": 0,
                "stderr": "",
                "stdout": "",
            },
            "hostname": "web-02",
            "status": "completed",
        },
    },
    "status": "partial_failure",
    "timeline": [
        {
            "event": "acknowledged",
            "hostname": "web-02",
            "message": "Job acknowledged by agent web-02",
            "timestamp": "2026-11-01T11:02:32Z",
        },
        {
            "event": "started",
            "hostname": "web-02",
            "message": "Job processing started on web-02",
            "timestamp": "2026-11-01T11:02:32Z",
        },
        {
            "event": "acknowledged",
            "hostname": "db-01",
            "message": "Job acknowledged by agent db-01",
            "timestamp": "2026-11-01T11:02:32Z",
        },
        {
            "event": "started",
            "hostname": "db-01",
            "message": "Job processing started on db-01",
            "timestamp": "2026-11-01T11:02:32Z",
        },
        {
            "error": "command execution failed: exit status 100",
            "event": "failed",
            "hostname": "db-01",
            "message": "Job failed on db-01",
            "timestamp": "2026-11-01T11:02:32Z",
        },
        {
            "event": "acknowledged",
            "hostname": "web-01",
            "message": "Job acknowledged by agent web-01",
            "timestamp": "2026-11-01T11:02:32Z",
        },
        {
            "event": "started",
            "hostname": "web-01",
            "message": "Job processing started on web-01",
            "timestamp": "2026-11-01T11:02:32Z",
        },
        {
            "event": "completed",
            "hostname": "web-01",
            "message": "Job completed successfully on web-01",
            "timestamp": "2026-11-01T11:02:32Z",
        },
        {
            "event": "completed",
            "hostname": "web-02",
            "message": "Job completed successfully on web-02",
            "timestamp": "2026-11-01T11:02:32Z",
        },
    ],
    "updated_at": "2026-11-01T11:02:32.62823106Z",
}

SKIPPED: dict[str, Any] = {
    "agent_states": {
        "web-02": {"error": "operation not supported on this OS family", "status": "skipped"}
    },
    "changed": None,
    "created": "2026-11-01T11:04:42Z",
    "error": "operation not supported on this OS family",
    "id": "45c48cce-2e2d-4fbd-b6a5-0f4d2c8e9a24",
    "operation": {"data": {}, "type": "node.status.get"},
    "responses": {
        "web-02": {
            "changed": None,
            "error": "operation not supported on this OS family",
            "hostname": "web-02",
            "status": "skipped",
        }
    },
    "status": "skipped",
    "timeline": [
        {
            "event": "acknowledged",
            "hostname": "web-02",
            "message": "Job acknowledged by agent web-02",
            "timestamp": "2026-11-01T11:04:42Z",
        },
        {
            "event": "started",
            "hostname": "web-02",
            "message": "Job processing started on web-02",
            "timestamp": "2026-11-01T11:04:42Z",
        },
        {
            "error": "operation not supported on this OS family",
            "event": "skipped",
            "hostname": "web-02",
            "message": "Job skipped on web-02 (unsupported OS family)",
            "timestamp": "2026-11-01T11:04:42Z",
        },
    ],
    "updated_at": "2026-11-01T11:04:42.450582143Z",
}

PROCESSING: dict[str, Any] = {
    "agent_states": {"web-01": {"status": "started"}, "web-02": {"status": "started"}},
    "changed": None,
    "created": "2026-11-01T11:08:40Z",
    "id": "d3d94468-02a4-4e9d-a8c2-7b1e5f3a6c35",
    "operation": {"data": {}, "type": "node.status.get"},
    "status": "processing",
    "timeline": [
        {
            "event": "acknowledged",
            "hostname": "web-02",
            "message": "Job acknowledged by agent web-02",
            "timestamp": "2026-11-01T11:08:40Z",
        },
        {
            "event": "started",
            "hostname": "web-02",
            "message": "Job processing started on web-02",
            "timestamp": "2026-11-01T11:08:40Z",
        },
        {
            "event": "acknowledged",
            "hostname": "web-01",
            "message": "Job acknowledged by agent web-01",
            "timestamp": "2026-11-01T11:08:40Z",
        },
        {
            "event": "started",
            "hostname": "web-01",
            "message": "Job processing started on web-01",
            "timestamp": "2026-11-01T11:08:40Z",
        },
    ],
    "updated_at": "2026-11-01T11:08:40.790563652Z",
}
