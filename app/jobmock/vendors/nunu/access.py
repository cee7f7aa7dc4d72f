"""Who may call a nunu route: the ``X-Api-Key`` checks in the order spec/nunu.md §3 gives them (the
key itself, then whether an organization key is used on a legacy route, then the project, then the
permission), answering with the ``Caller`` every backend operation works on behalf of.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobmock.core.auth import ApiKey, ApiKeyHeader
from jobmock.core.errors import Forbidden, Unauthorized
from jobmock.vendors.nunu.fixture_data import NunuData


@dataclass(frozen=True, slots=True)
class Caller:
    key: ApiKey
    project: str


def authorize(
    auth: ApiKeyHeader, data: NunuData, api_key: str | None, project: str | None, permission: str
) -> Caller:
    """spec/nunu.md §3 check order: key, then route style, then project, then permission."""
    key = auth.authenticate(api_key)
    if project is None:
        if key.kind == "organization":
            # Organization keys work on project-scoped routes only.
            raise Unauthorized(auth.wording.invalid, reason="org_key_legacy_route")
        project = key.scope
    elif key.kind == "organization":
        if project not in data.projects_of(key.scope):
            raise Forbidden(
                "API key does not match the requested project", reason="project_mismatch"
            )
    elif key.scope != project:
        raise Forbidden("API key does not match the requested project", reason="project_mismatch")
    auth.require(key, permission)
    return Caller(key, project)
