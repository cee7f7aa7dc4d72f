"""The README's examples are the files the suite runs, word for word."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT

EXAMPLES = sorted((ROOT / "tests" / "examples").glob("test_howto_*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_is_in_the_readme(example: object) -> None:
    code = example.read_text().strip()  # type: ignore[attr-defined]
    assert f"```python\n{code}\n```" in (ROOT / "README.md").read_text()


def test_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Quick start")
    blocks = readme[start : readme.index("\n## ", start + 1)].split("```sh\n")[1:3]
    commands = [block.split("```")[0].strip() for block in blocks]
    assert commands == ["pip install . && jobmock serve", "pip install '.[test]' && pytest"]
    assert "pip install '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()
