"""What every command shares: printing, failing with exit 2, settings from flags."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from jobmock.settings import Settings


def out(text: str = "", stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(text + "\n")


def settings_from(**overrides: Any) -> Settings:
    from jobmock.settings import Settings

    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def fail(message: str) -> int:
    out(f"jobmock: {message}", sys.stderr)
    return 2
