from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from jobmock.core.fixture_files import FixtureError, FixtureModel, load_dir, load_yaml_text


class Item(FixtureModel):
    name: str
    size: int = Field(ge=0)


class Doc(FixtureModel):
    items: list[Item]


def test_line_numbers_point_at_the_bad_value() -> None:
    text = "items:\n  - name: a\n    size: 1\n  - name: b\n    size: -3\n"
    loaded = load_yaml_text(text, Path("x.yaml"))
    with pytest.raises(FixtureError) as info:
        loaded.validate(Doc)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.field) == ("x.yaml", 5, "items[1].size")
    assert problem.message == "Input should be greater than or equal to 0 (got -3)"


def test_missing_field_points_at_its_mapping() -> None:
    loaded = load_yaml_text("items:\n  - size: 1\n", Path("x.yaml"))
    with pytest.raises(FixtureError) as info:
        loaded.validate(Doc)
    assert str(info.value) == "x.yaml:2: items[0].name: this field is required"


def test_safe_load_refuses_python_objects() -> None:
    with pytest.raises(FixtureError, match="invalid YAML"):
        load_yaml_text("items: !!python/object/apply:os.system ['true']\n", Path("x.yaml"))


def test_load_dir_skips_empty_files_and_checks_top_level(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ok.yml").write_text("items: []\n")
    assert [f.path.name for f in load_dir(tmp_path)] == ["ok.yml"]
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(FixtureError, match="a fixture file must be a mapping"):
        load_dir(tmp_path)


def test_missing_directory_is_empty(tmp_path: Path) -> None:
    assert load_dir(tmp_path / "nope") == []


def test_an_error_repeats_at_most_a_bounded_prefix_of_a_bad_value() -> None:
    from pydantic import BaseModel, Field, ValidationError

    from jobmock.core.fixture_files import SHOWN_CHARS, describe_problems

    class Job(BaseModel):
        id: str = Field(pattern=r"^[a-z]+$")

    value = "a b (" * 200_000  # regex syntax in it, and a megabyte of it
    with pytest.raises(ValidationError) as caught:
        Job(id=value)
    message = describe_problems(caught.value)
    assert message == (
        f"id: String should match pattern '^[a-z]+$' (got {repr(value)[:SHOWN_CHARS]}... "
        f"({len(repr(value)):,} characters))"
    )


@pytest.mark.parametrize(
    ("value", "named"),
    [("10s", True), ("1", False), ("a.*", True), ("(", True)],
)
def test_a_message_that_quotes_the_value_is_not_repeated(value: str, named: bool) -> None:
    from jobmock.core.fixture_files import describe_error

    message = "bad '10s' at 'a.*' or '('; not 'x1'"
    expected = message if named else f"{message} (got {value!r})"
    assert describe_error({"msg": message, "type": "value_error", "input": value}) == expected
