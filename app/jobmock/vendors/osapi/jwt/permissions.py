"""OSAPI's permissions and built-in roles at 41b9500ac (spec/osapi.md §4).

The 36 permissions are documented; the built-in role sets are inferred from the pattern of the
earlier releases (``read``: every ``*:read`` but ``audit:read``; ``write``: that plus every
``*:write`` but ``agent:write``; ``admin``: everything), and a fixture can redefine any role
(``security.roles``), as OSAPI's ``controller.api.security.roles`` does.
"""

from __future__ import annotations

from collections.abc import Mapping

ALL_PERMISSIONS = (
    "agent:read",
    "agent:write",
    "node:read",
    "node:write",
    "network:read",
    "network:write",
    "job:read",
    "job:write",
    "health:read",
    "audit:read",
    "command:execute",
    "file:read",
    "file:write",
    "docker:read",
    "docker:write",
    "docker:execute",
    "cron:read",
    "cron:write",
    "sysctl:read",
    "sysctl:write",
    "ntp:read",
    "ntp:write",
    "timezone:read",
    "timezone:write",
    "power:execute",
    "process:read",
    "process:execute",
    "user:read",
    "user:write",
    "package:read",
    "package:write",
    "log:read",
    "certificate:read",
    "certificate:write",
    "service:read",
    "service:write",
)
_READ = frozenset(p for p in ALL_PERMISSIONS if p.endswith(":read") and p != "audit:read")
_WRITE = _READ | {p for p in ALL_PERMISSIONS if p.endswith(":write") and p not in ("agent:write",)}
BUILTIN_ROLES: Mapping[str, frozenset[str]] = {
    "admin": frozenset(ALL_PERMISSIONS),
    "write": frozenset(_WRITE),
    "read": _READ,
}

JOB_READ = "job:read"
JOB_WRITE = "job:write"
NODE_READ = "node:read"
COMMAND_EXECUTE = "command:execute"
