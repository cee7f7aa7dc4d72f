"""The Dockerfile and docker-compose.yml, checked without a Docker engine: their structure,
that they agree with each other and with the CLI, and the commands the image runs."""

from __future__ import annotations

import json
import shlex
import urllib.request

import yaml

from jobmock.cli import _parser
from tests.helpers import ROOT, run, serving


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def exec_form(value: str) -> list[str]:
    parsed = json.loads(value)
    assert isinstance(parsed, list), "exec form, so signals reach jobmock"
    return [str(part) for part in parsed]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def test_slim_python_base_and_non_root_user() -> None:
    froms = [rest for word, rest in instructions() if word == "FROM"]
    assert froms and all(rest.split()[0] == "python:3.11-slim" for rest in froms)
    users = [rest for word, rest in final_stage() if word == "USER"]
    assert users and users[-1] not in ("root", "0")


def test_cmd_serves_every_vendor_on_all_interfaces() -> None:
    (cmd,) = [exec_form(rest) for word, rest in final_stage() if word == "CMD"]
    assert cmd[:2] == ["jobmock", "serve"]
    args = _parser().parse_args(cmd[1:])
    assert args.host == "0.0.0.0"
    (expose,) = [rest for word, rest in final_stage() if word == "EXPOSE"]
    assert int(expose) == args.port == 8000
    assert args.vendor is None


def test_healthcheck_uses_the_health_command_on_the_served_port() -> None:
    (check,) = [rest for word, rest in final_stage() if word == "HEALTHCHECK"]
    options, _, command = check.partition("CMD ")
    assert "--interval" in options and "--timeout" in options
    argv = exec_form(command)
    assert argv[:2] == ["jobmock", "health"]
    args = _parser().parse_args(argv[1:])
    assert args.url == "http://127.0.0.1:8000"


def test_fixtures_are_copied_in_and_overridable() -> None:
    stage = final_stage()
    env = " ".join(rest for word, rest in stage if word == "ENV")
    assert "JOBMOCK_FIXTURES=/fixtures" in env
    copies = [shlex.split(rest) for word, rest in stage if word == "COPY"]
    assert any(parts[-2:] == ["fixtures", "/fixtures"] for parts in copies)


def test_build_stage_copies_what_the_wheel_needs() -> None:
    build = instructions()[: [w for w, _ in instructions()].index("FROM", 1)]
    copied = " ".join(rest for word, rest in build if word == "COPY")
    for needed in ("pyproject.toml", "README.md", "app", "fixtures"):
        assert needed in copied
    assert any(word == "RUN" and "pip wheel" in rest for word, rest in build)


def test_compose_file() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["jobmock"]
    context = service["build"] if isinstance(service["build"], str) else service["build"]["context"]
    assert (ROOT / context / "Dockerfile").is_file()
    (port,) = service["ports"]
    address, published, target = port.split(":")
    assert address == "127.0.0.1", "published on this machine only, not on every interface"
    assert int(published) == int(target) == 8000
    (volume,) = service["volumes"]
    source, target, *_ = volume.split(":")
    assert (ROOT / source).resolve() == (ROOT / "fixtures").resolve()
    assert target == "/fixtures"
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert _parser().parse_args(test[2:]).url == "http://127.0.0.1:8000" and test[1] == "jobmock"
    for name, value in service.get("environment", {}).items():
        assert name.startswith("JOBMOCK_")
        assert isinstance(value, str)


def test_the_image_commands_run() -> None:
    # The image runs `jobmock serve --host 0.0.0.0 --port 8000` and probes it with
    # `jobmock health`. Tests bind loopback only, on a free port: same command, same code path.
    (cmd,) = [exec_form(rest) for word, rest in final_stage() if word == "CMD"]
    args = cmd[2:]
    args[args.index("--host") + 1] = "127.0.0.1"
    args[args.index("--port") + 1] = "0"
    with serving(args, env={"JOBMOCK_FIXTURES": str(ROOT / "fixtures")}) as server:
        health = run(["health", "--url", server.url])
        assert health.returncode == 0, health.stderr
        assert json.loads(health.stdout)["status"] == "ok"
        body = urllib.request.urlopen(f"{server.url}/_mock/health").read()
        assert json.loads(body)["vendors"]
