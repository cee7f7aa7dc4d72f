"""Writing a recording: whole, or clearly marked as partial, never a half file that loads.

The file is written to a staging folder beside its place, checked there as ``jobmock validate``
checks a folder (so it stands alone and serves), and only then renamed into place. A recording
that stopped half-way writes what it had to ``recorded.yaml.partial``, which no fixture loader
reads, headed by why it stopped.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

FILE = "recorded.yaml"
PARTIAL = FILE + ".partial"


def write_whole(folder: Path, text: str, check: Callable[[Path], object]) -> Path:
    """``text`` as ``folder/recorded.yaml`` once ``check`` (raising) passed on it alone."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / FILE
    with tempfile.TemporaryDirectory(dir=folder, prefix=".recording-") as staging:
        staged = Path(staging) / FILE
        staged.write_text(text, encoding="utf-8")
        check(Path(staging))
        os.replace(staged, final)
    (folder / PARTIAL).unlink(missing_ok=True)
    return final


def write_partial(folder: Path, text: str, reason: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PARTIAL
    note = "".join(f"# {line}\n" for line in reason.splitlines())
    path.write_text(
        "# PARTIAL RECORDING: the recording stopped before it was whole, so jobmock does not\n"
        f"# load this file (rename it to .yaml only if what it holds is enough). It stopped:\n"
        f"{note}{text}",
        encoding="utf-8",
    )
    return path
