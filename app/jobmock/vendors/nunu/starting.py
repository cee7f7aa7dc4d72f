"""Starting nunu runs (``POST .../runs``): the body checked (exactly one of a test, a test plan or
instructions; deployment configs covering every player), the config, build, test or plan looked
up in the caller's project, an optional ``X-Jobmock-Timeline`` parsed, then one new job per test
and instance built as a fixture job would be and stored. The backend's ``start_run`` is this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobmock.core.bodies import parse_body
from jobmock.core.errors import BadRequest, NotFound
from jobmock.core.fixture_files import Invalid
from jobmock.core.lifecycle import Timeline
from jobmock.core.limits import loads
from jobmock.vendors.nunu import schemas as s
from jobmock.vendors.nunu.access import Caller, authorize
from jobmock.vendors.nunu.fixture_models import JobFixture, TestFixture
from jobmock.vendors.nunu.job_records import job_record
from jobmock.vendors.nunu.records import OPERATE_RUNS, VENDOR, NunuJob
from jobmock.vendors.nunu.timelines import parse_timeline_header, test_timeline

if TYPE_CHECKING:
    from jobmock.vendors.nunu.backend import NunuBackend


def _check_players_covered(body: s.StartRunRequest, test: TestFixture) -> None:
    """Without a default ``deployment_config_id``, every player needs its own entry: nunu
    answers a partial map with a 400."""
    if body.deployment_config_id is not None:
        return
    given = body.player_deployment_configs or {}
    missing = [str(n) for n in range(1, test.players + 1) if str(n) not in given]
    if missing:
        raise BadRequest(
            "deployment_config_id is required: player_deployment_configs has no entry for "
            f"player {', '.join(missing)}",
            reason="body",
        )


def start_run(
    backend: NunuBackend,
    api_key: str | None,
    raw_body: bytes,
    project: str | None = None,
    timeline_header: str | None = None,
) -> s.StartRunResponse:
    caller = authorize(backend.auth, backend.data, api_key, project, OPERATE_RUNS)
    body = parse_body(raw_body, s.StartRunRequest)
    chosen = [
        k
        for k in ("multiplayer_test_id", "test_plan_id", "instructions")
        if getattr(body, k) is not None
    ]
    if len(chosen) != 1:
        raise BadRequest(
            "Provide exactly one of multiplayer_test_id, test_plan_id or instructions",
            reason="body",
        )
    if body.deployment_config_id is None and (
        body.multiplayer_test_id is None or not body.player_deployment_configs
    ):
        raise BadRequest("deployment_config_id is required", reason="body")
    if body.build_id is not None and body.deployment_config_id is None:
        raise BadRequest("build_id requires deployment_config_id", reason="body")
    config_id = body.deployment_config_id
    if config_id is None and body.player_deployment_configs:
        config_id = next(iter(body.player_deployment_configs.values())).deployment_config_id
    config = backend.data.configs.get(config_id or "")
    if config is None or config.project not in (None, caller.project):
        raise NotFound("deployment config not found", reason="deployment_config")
    build = None
    if body.build_id is not None:
        build = backend.data.builds.get(body.build_id)
        if build is None or build.project not in (None, caller.project):
            raise NotFound("build not found", reason="build")
    timeline = None
    if timeline_header:
        try:
            timeline = parse_timeline_header(timeline_header, loads)
        except Invalid as exc:
            raise BadRequest(exc.message, reason="timeline") from None
    plan_execution = None
    tests: list[TestFixture]
    if body.test_plan_id is not None:
        plan = backend.data.plans.get(body.test_plan_id)
        if plan is None or plan.project not in (None, caller.project):
            raise NotFound("test plan not found", reason="test_plan")
        tests = [backend.data.tests[t] for t in plan.tests]
        plan_execution = backend.new_id("test-plan-execution")
    elif body.multiplayer_test_id is not None:
        test = backend.data.tests.get(body.multiplayer_test_id)
        if test is None or test.project not in (None, caller.project):
            raise NotFound("multiplayer test not found", reason="test")
        _check_players_covered(body, test)
        tests = [test]
    else:
        tests = [
            TestFixture(
                id=backend.new_id("ephemeral-test"),
                name=body.name or "[api] ephemeral test",
                tags=["api"],
                steps=[{"goal": body.instructions}],
            )
        ]
    instances = body.instances if body.test_plan_id is None else 1
    backend.store.count_created(VENDOR, len(tests) * instances)
    job_ids = []
    for test in tests:
        for _ in range(instances):
            job = _start_one(backend, caller, test, body, config, build, plan_execution, timeline)
            job_ids.append(job.job_id)
    if body.instructions is not None:
        return s.StartRunResponse(test_id=tests[0].id, job_ids=job_ids)
    return s.StartRunResponse(
        message="successfully queued test plan!" if plan_execution else "successfully queued test!",
        build_id=build.id if build else None,
        test_plan_execution_id=plan_execution,
        job_ids=job_ids,
    )


def _start_one(
    backend: NunuBackend,
    caller: Caller,
    test: TestFixture,
    body: s.StartRunRequest,
    config: Any,
    build: Any,
    plan_execution: str | None,
    timeline: Timeline | None,
) -> NunuJob:
    job_id = backend.new_id("job")
    templating = body.render_templates
    fx = JobFixture.model_validate(
        {
            "job_id": job_id,
            "project_id": caller.project,
            "multiplayer_test_id": test.id,
            "test_name": test.name,
            "test_type": test.type,
            "platform": config.platform,
            "build_id": build.id if build else None,
            "test_plan_execution_id": plan_execution,
            "templating_enabled": templating,
            "template_data": (body.template_data or {}) if templating else None,
            "tags": [*test.tags, *(t for t in body.additional_tags if t not in test.tags)],
            "retries": {"total": body.retries, "remaining": body.retries},
            "runs": [
                {
                    "initiator": {"type": "api", "value": {"key_id": caller.key.id}},
                    "players": [
                        {
                            "platform": {
                                "kind": config.kind,
                                "config": {"device": config.device.model_dump()},
                            }
                        }
                        for _ in range(test.players)
                    ],
                }
            ],
        }
    )
    job = job_record(
        fx,
        backend.data,
        backend.generator,
        id_key=(job_id,),
        now=backend.store.clock.now(),
        timeline=timeline or test_timeline(test),
    )
    backend.put(job)
    return job
