"""The Dockerfile and docker-compose.yml, checked without a Docker engine: their structure,
that they agree with each other and with the CLI, and the commands the image runs."""

from __future__ import annotations

import json
import re
import shlex
import urllib.request
from urllib.parse import urlsplit

import pytest
import yaml

from jobmock import Settings
from jobmock.cli.parser import build_parser
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


def image_env() -> dict[str, str]:
    """The final stage's ENV settings."""
    pairs = [
        part.partition("=")
        for word, rest in final_stage()
        if word == "ENV"
        for part in shlex.split(rest)
    ]
    return {name: value for name, _, value in pairs}


def test_cmd_serves_every_vendor_on_all_interfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    (cmd,) = [exec_form(rest) for word, rest in final_stage() if word == "CMD"]
    assert cmd[:2] == ["jobmock", "serve"]
    args = build_parser().parse_args(cmd[1:])
    # No flag for what the environment sets: a flag would win over `docker run -e` and compose.
    assert (args.host, args.port, args.fixtures) == (None, None, None)
    for name, value in image_env().items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.host == "0.0.0.0"
    (expose,) = [rest for word, rest in final_stage() if word == "EXPOSE"]
    assert int(expose) == settings.port == 8000
    assert args.vendor is None and settings.vendor is None


def test_healthcheck_uses_the_health_command_on_the_served_port() -> None:
    (check,) = [rest for word, rest in final_stage() if word == "HEALTHCHECK"]
    options, _, command = check.partition("CMD ")
    assert "--interval" in options and "--timeout" in options
    # No --url: `jobmock health` probes 127.0.0.1:$JOBMOCK_PORT, wherever the environment put it.
    assert exec_form(command) == ["jobmock", "health"]


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
    assert test[1:] == ["jobmock", "health"]  # follows JOBMOCK_PORT, as the image's does
    for name, value in service.get("environment", {}).items():
        assert name.startswith("JOBMOCK_")
        assert isinstance(value, str)


def test_the_image_commands_run() -> None:
    # The image runs `jobmock serve` with its ENV and probes it with `jobmock health`. Here the
    # environment moves it to loopback and a free port, as `docker run -e` or compose would:
    # same commands, and proof that the environment reaches them.
    (cmd,) = [exec_form(rest) for word, rest in final_stage() if word == "CMD"]
    (check,) = [rest for word, rest in final_stage() if word == "HEALTHCHECK"]
    probe = exec_form(check.partition("CMD ")[2])
    env = {
        **image_env(),
        "JOBMOCK_HOST": "127.0.0.1",
        "JOBMOCK_PORT": "0",
        "JOBMOCK_FIXTURES": str(ROOT / "fixtures"),
    }
    with serving(cmd[2:], env=env) as server:
        port = server.url.rsplit(":", 1)[1]
        health = run(probe[1:], env={**env, "JOBMOCK_PORT": port})
        assert health.returncode == 0, health.stderr
        assert json.loads(health.stdout)["status"] == "ok"
        body = urllib.request.urlopen(f"{server.url}/_mock/health").read()
        assert json.loads(body)["vendors"]


def test_the_image_can_share_its_state() -> None:
    build = instructions()[: [w for w, _ in instructions()].index("FROM", 1)]
    wheels = [shlex.split(rest) for word, rest in build if word == "RUN" and "pip wheel" in rest]
    assert wheels and wheels[0][-1] == ".[redis]", "the image runs as a replica as well"


def test_compose_replicas_profile_shares_one_state_through_redis() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "profiles" not in services["jobmock"], "plain `docker compose up` is unchanged"
    profiled = {name for name, s in services.items() if "replicas" in s.get("profiles", ())}
    assert profiled == {"redis", "jobmock-a", "jobmock-b", "proxy"}
    redis = services["redis"]
    assert redis["image"].split(":")[0] == "redis"
    assert redis["command"][:1] == ["redis-server"] and "--appendonly" in redis["command"]
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    for name in ("jobmock-a", "jobmock-b"):
        replica = services[name]
        assert (replica["build"], replica["image"]) == (".", services["jobmock"]["image"])
        state = replica["environment"]["JOBMOCK_STATE"]
        assert Settings(state=state).state == state
        assert (urlsplit(state).hostname, urlsplit(state).port) == ("redis", 6379)
        assert replica["depends_on"]["redis"]["condition"] == "service_healthy"
        assert "ports" not in replica, "reached through the proxy only"
        assert replica["healthcheck"]["test"] == ["CMD", "jobmock", "health"]
    proxy = services["proxy"]
    assert proxy["image"].split(":")[0] == "nginx"
    (port,) = proxy["ports"]
    address, published, target = port.split(":")
    assert address == "127.0.0.1" and published != "8000", "beside the default service"
    (volume,) = proxy["volumes"]
    source, mounted, mode = volume.split(":")
    assert (mounted, mode) == ("/etc/nginx/nginx.conf", "ro")
    conf = (ROOT / source).read_text()
    assert sorted(re.findall(r"server (\S+):(\d+)", conf)) == [
        ("jobmock-a", "8000"),
        ("jobmock-b", "8000"),
    ]
    assert re.findall(r"listen (\d+);", conf) == [target]
    assert "proxy_next_upstream off;" in conf, "a POST is never sent to a second replica"
    assert {"jobmock-a", "jobmock-b"} <= set(proxy["depends_on"])
