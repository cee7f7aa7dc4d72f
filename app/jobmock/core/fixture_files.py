"""Fixture files: YAML read with ``yaml.safe_load`` only, validated by pydantic models.

A bad file stops startup with an error that names the file, the line and the field, so a typo in
a fixture is fixed in one look instead of surfacing as a strange response later.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from jobmock.core.clock import as_utc
from jobmock.core.durations import parse_duration
from jobmock.core.errors import BadRequest

M = TypeVar("M", bound=BaseModel)

Loc = tuple[str | int, ...]

FIXTURE_SUFFIXES = (".yaml", ".yml")


def _timestamp(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"must be an ISO 8601 timestamp, got {value!r}") from None
    if isinstance(value, datetime):
        return as_utc(value)
    return value


#: A timestamp in a fixture: ISO 8601 / RFC 3339 (``Z`` or an offset; naive means UTC).
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
#: A duration in a fixture: seconds, or ``"90s"``, ``"5m"``, ``"1h30m"``.
Duration = Annotated[float, BeforeValidator(parse_duration)]


class FixtureModel(BaseModel):
    """Base of every fixture model: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


@dataclass(frozen=True)
class FixtureProblem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class FixtureError(ValueError):
    """One or more problems in fixture files; ``str()`` lists each as ``file:line: field: msg``."""

    def __init__(self, problems: Sequence[FixtureProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, line: int | None, field: str, message: str) -> FixtureError:
        return cls([FixtureProblem(file, line, field, message)])


class Invalid(ValueError):
    """A value that is wrong at ``loc``, relative to what is being checked (its caller adds the
    file and the path above it)."""

    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


class SetError(Invalid):
    """A ``generate:`` block that cannot be built."""


@dataclass(frozen=True)
class LoadedFile:
    """One parsed YAML file: its data and where each value sits in it."""

    path: Path
    data: Any
    lines: Mapping[Loc, int]
    faults: Any = None
    """The file's ``faults:`` section, taken out of ``data`` (it is core's, not the vendor's)."""
    scenario: Any = None
    """The file's ``scenario:`` (the vendor's default scenario), taken out of ``data`` too;
    whether the file wrote one, even empty, is ``("scenario",) in lines``."""

    @property
    def name(self) -> str:
        return display_path(self.path)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest ancestor present in the file."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def problem(self, loc: Loc, message: str) -> FixtureProblem:
        return FixtureProblem(self.name, self.line_of(loc), format_loc(loc), message)

    def error(self, loc: Loc, message: str) -> FixtureError:
        return FixtureError([self.problem(loc, message)])

    def validate(self, model: type[M], data: Any = None, base: Loc = ()) -> M:
        """``data`` (the whole file by default) as ``model``, or a FixtureError naming the line."""
        try:
            return model.model_validate(self.data if data is None else data)
        except ValidationError as exc:
            raise self.validation_error(exc, base) from None

    def validation_error(self, exc: ValidationError, base: Loc = ()) -> FixtureError:
        problems = [
            self.problem(base + _clean_loc(err["loc"]), describe_error(err))
            for err in exc.errors(include_url=False)
        ]
        return FixtureError(problems)


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean_loc(loc: Iterable[Any]) -> Loc:
    # pydantic puts union-member and validator names into locations ("function-after[...]",
    # "list[...]", tagged-union tags); they are not keys of the user's file.
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and not _is_synthetic(part)):
            out.append(part)
    return tuple(out)


def _is_synthetic(part: str) -> bool:
    return "[" in part or part.startswith("function-") or part in {"str", "int", "float", "bool"}


def validate_document(model: type[M], doc: Any) -> M:
    """``doc`` (a fixture-format document sent to the control API) as ``model``, or a 400 that
    lists each problem as ``field: message``."""
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise BadRequest(describe_problems(exc), reason="fixture") from None


def describe_problems(exc: ValidationError) -> str:
    """Every problem of a validation error, as ``field: message; field: message``."""
    return "; ".join(
        f"{format_loc(_clean_loc(err['loc']))}: {describe_error(err)}"
        if err["loc"]
        else describe_error(err)
        for err in exc.errors(include_url=False)
    )


#: How much of a bad value an error message repeats: a client's 2 MiB string is not echoed.
SHOWN_CHARS = 80


def _word_char(text: str) -> bool:
    return bool(text) and (text.isalnum() or text in "_'")


def _names(message: str, value: object) -> bool:
    """Whether ``message`` already quotes ``value`` (as a whole word, not inside ``'10s'``).
    A plain search: the value is the client's, never made into a pattern."""
    needle = repr(value)
    start = message.find(needle)
    while start != -1:
        end = start + len(needle)
        if not _word_char(message[start - 1 : start]) and not _word_char(message[end : end + 1]):
            return True
        start = message.find(needle, start + 1)
    return False


def shown(value: object) -> str:
    """``repr(value)``, cut to ``SHOWN_CHARS`` with its full length said."""
    text = repr(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}... ({len(text):,} characters)"


def describe_error(err: Mapping[str, Any]) -> str:
    message = str(err.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    kind = err.get("type")
    if kind == "extra_forbidden":
        return "unknown field (check its spelling and indentation)"
    if kind == "missing":
        return "this field is required"
    value = err.get("input")
    if (
        kind not in {"model_type", "dict_type"}
        and isinstance(value, str | int | float | bool)
        and not _names(message, value)
    ):
        message += f" (got {shown(value)})"
    return message


def _index_lines(node: yaml.Node, loc: Loc, out: dict[Loc, int]) -> None:
    out.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            # A field's line is its key's line, so an error inside a nested mapping that lacks a
            # key points at where that mapping starts, not at its first child.
            out[(*loc, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*loc, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*loc, index), out)


#: ``yaml.safe_load``'s loader, in C when PyYAML has LibYAML: the same safe constructor (plain
#: data, never Python objects), about ten times faster on the bundled fixtures.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data, from one parse."""
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def load_yaml_text(text: str, path: Path) -> LoadedFile:
    name = display_path(path)
    try:
        node, data = _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise FixtureError.single(name, line, "", f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise FixtureError.single(name, None, "", f"invalid YAML: {exc}") from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return LoadedFile(path, data, lines)


def load_yaml(path: Path) -> LoadedFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError.single(display_path(path), None, "", f"cannot read: {exc}") from None
    return load_yaml_text(text, path)


def check_folder(directory: Path) -> Path:
    """``directory``, or a FixtureError naming it when it is not a folder: a mistyped path or an
    unmounted volume would otherwise serve no fixtures at all, with no word of why."""
    if not directory.is_dir():
        what = "a file, not a fixture folder" if directory.exists() else "no such fixture folder"
        raise FixtureError.single(display_path(directory), None, "", what)
    return directory


def fixture_files(directory: Path) -> Iterator[Path]:
    """The YAML files of one vendor's fixture folder, recursively, in a stable order (or the
    file itself, when given one)."""
    if directory.is_file():
        if directory.suffix in FIXTURE_SUFFIXES:
            yield directory
        return
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*")):
        if path.suffix in FIXTURE_SUFFIXES and path.is_file():
            yield path


def load_dir(directory: Path) -> list[LoadedFile]:
    """Every fixture file under ``directory``; empty files are skipped. Collects all errors."""
    loaded: list[LoadedFile] = []
    problems: list[FixtureProblem] = []
    for path in fixture_files(directory):
        try:
            item = load_yaml(path)
        except FixtureError as exc:
            problems.extend(exc.problems)
            continue
        if item.data is None:
            continue
        if not isinstance(item.data, dict):
            problems.append(item.problem((), "a fixture file must be a mapping of sections"))
            continue
        data = item.data
        loaded.append(
            replace(item, faults=data.pop("faults", None), scenario=data.pop("scenario", None))
        )
    if problems:
        raise FixtureError(problems)
    return loaded
