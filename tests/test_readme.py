"""The README and docs/: their examples are the files the suite runs, word for word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import ROOT

EXAMPLES = sorted((ROOT / "tests" / "examples").glob("test_howto_*.py"))
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)\n```$", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[tuple[Path, str]]:
    return [(page, code) for page in PAGES for code in PYTHON_BLOCK.findall(page.read_text())]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_is_shown_once_in_the_docs(example: Path) -> None:
    code = example.read_text().strip()
    shown_in = [page.relative_to(ROOT) for page, block in python_blocks() if block == code]
    assert len(shown_in) == 1, f"{example.name} is shown in {shown_in or 'no page'}"


def test_every_python_block_in_the_docs_is_run_by_the_suite() -> None:
    run = {example.read_text().strip() for example in EXAMPLES}
    unrun = [str(page.relative_to(ROOT)) for page, block in python_blocks() if block not in run]
    assert unrun == [], "a python block no tests/examples/test_howto_*.py holds"


def test_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Quick start")
    blocks = readme[start : readme.index("\n## ", start + 1)].split("```sh\n")[1:3]
    commands = [block.split("```")[0].strip() for block in blocks]
    assert commands == ["pip install . && jobmock serve", "pip install '.[test]' && pytest"]
    assert "pip install '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_stays_a_newcomers_page() -> None:
    # The reference lives in docs/; the README keeps what a first visit needs.
    assert len((ROOT / "README.md").read_text().splitlines()) < 250
