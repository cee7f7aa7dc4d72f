"""Shell commands of generated jobs: the admin tasks operators run through OSAPI, and what each
prints when it runs for a given time. A command not in the catalog prints nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jobmock.core.generate import Rng
from jobmock.vendors.osapi.agent_runs import MS, SECOND


def _apt(rng: Rng, _took: int) -> str:
    upgraded = rng.randint(0, 40)
    return (
        "Reading package lists...\nBuilding dependency tree...\nReading state information...\n"
        f"Calculating upgrade...\n{upgraded} upgraded, 0 newly installed, 0 to remove and 0 not "
        "upgraded.\n"
    )


def _backup(rng: Rng, took: int) -> str:
    seconds = took // SECOND
    clock = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"backup complete: {rng.randint(200, 9000)} MiB in {clock}\n"


def _restic(rng: Rng, _took: int) -> str:
    return f"snapshot {rng.getrandbits(32):08x} saved\n"


def _vacuum(rng: Rng, _took: int) -> str:
    return (
        f"Vacuuming done, freed {rng.randint(10, 900)}.{rng.randint(0, 9)}M of archived journals "
        "from /var/log/journal.\n"
    )


def _ansible(rng: Rng, _took: int) -> str:
    ok, changed = rng.randint(20, 80), rng.randint(0, 6)
    return (
        "PLAY RECAP *********************************************************************\n"
        f"localhost                  : ok={ok}   changed={changed}   unreachable=0    failed=0"
        f"    skipped={rng.randint(0, 12)}    rescued=0    ignored=0\n"
    )


def _silent(_rng: Rng, _took: int) -> str:
    return ""


#: Default commands of generated ``command.shell.execute`` jobs, and what each prints.
COMMANDS: dict[str, Callable[[Rng, int], str]] = {
    "apt-get update && apt-get upgrade -y": _apt,
    "/usr/local/bin/backup.sh --full": _backup,
    "restic backup /var/lib/postgresql": _restic,
    "journalctl --vacuum-time=7d": _vacuum,
    "ansible-pull -U https://git.internal/infra.git site.yml": _ansible,
    "systemctl restart nginx": _silent,
    "docker compose -f /srv/app/compose.yaml up -d --pull always": _silent,
    "certbot renew --quiet": _silent,
}


def shell_result(command: str, took: int, rng: Rng) -> dict[str, Any]:
    """The agent's answer for ``command`` that ran ``took`` ns and exited 0."""
    stdout = COMMANDS.get(command, _silent)(rng, took)
    return {
        "changed": True,
        "duration_ms": took // MS,
        "exit_code": 0,
        "stderr": "",
        "stdout": stdout,
    }
