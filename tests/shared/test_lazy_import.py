"""The in-memory default needs no Redis client: nothing imports redis-py unless asked to."""

from __future__ import annotations

import subprocess
import sys


def test_an_in_memory_jobmock_never_imports_redis() -> None:
    code = (
        "import sys, jobmock\n"
        "from jobmock.main import create_app\n"
        "create_app(jobmock.Settings(clock='manual'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('redis', 'hiredis')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout == "[]\n"
