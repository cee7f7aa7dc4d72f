"""Generated jobs written out as one plain fixture file (``jobmock generate``), for every vendor.

The file stands alone: ``schema_version``, the folder's default ``scenario`` if it sets one, the
sections of the source folder its jobs need (keys, projects, pipelines, agents ..., as the vendor
names them), then ``jobs:`` (``jobs: []`` for none). It is ordinary YAML that any loader reads: no
anchors or aliases, only plain scalars, lists and mappings, and every duration in the fixtures'
own notation, exact (``Span``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TextIO, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from jobmock.core.durations import exact_duration
from jobmock.core.fixture_files import (
    FixtureError,
    Invalid,
    LoadedFile,
    describe_problems,
    display_path,
    format_loc,
    load_dir,
)
from jobmock.core.scenario_defaults import fixture_scenario

if TYPE_CHECKING:
    from jobmock.core.vendor import VendorSpec


class Span(float):
    """Seconds an export writes as a duration string (``24m12.35268s``) that reads back as the
    same float: a generated job marks its durations with it, at the cost of a float."""

    __slots__ = ()


class Block(Protocol):
    """A vendor's ``generate:`` block, as far as an export needs it."""

    @property
    def name(self) -> str: ...

    @property
    def seed(self) -> int: ...


class ExportedSet(Protocol):
    """A vendor's generated set, as far as an export needs it."""

    @property
    def spec(self) -> Block: ...

    @property
    def count(self) -> int: ...

    def fixture(self, index: int) -> dict[str, Any]:
        """Job ``index`` as a plain fixture job (durations as ``Span``)."""
        ...


S = TypeVar("S", bound=ExportedSet)
B = TypeVar("B", bound=BaseModel)
B_co = TypeVar("B_co", covariant=True)


@dataclass(frozen=True)
class Export(Generic[S]):
    definitions: dict[str, Any]
    """Top-level sections other than ``jobs``, in the order they are written."""
    jobs: S


def export_set(
    directory: Path,
    sections: Sequence[str],
    build: Callable[[list[LoadedFile]], S],
    vendor: VendorSpec,
) -> Export[S]:
    """The set ``build`` makes from the fixtures in ``directory``, with their ``sections`` and
    default scenario. A block that cannot be built is a ``FixtureError`` naming the folder and
    the field."""
    files = load_dir(directory)
    try:
        generated = build(files)
    except Invalid as exc:
        where = format_loc(("generate", *exc.loc))
        raise FixtureError.single(display_path(directory), None, where, exc.message) from None
    default = fixture_scenario(files, vendor)
    scenario: dict[str, Any] = {"scenario": default.name} if default is not None else {}
    return Export({**scenario, **definitions(files, sections)}, generated)


def block_settings(
    model: type[B],
    blocks: Iterable[tuple[LoadedFile, int, B]],
    count: int | None,
    seed: int | None,
    name: str | None,
    defaults: Mapping[str, Any] | None = None,
) -> B:
    """The block to export: the folder's block named ``name``, else its first, else
    ``defaults``; ``count``, ``seed`` and ``name`` replace its own when given."""
    found = [block for _, _, block in blocks]
    chosen = next((b for b in found if getattr(b, "name", None) == name), None)
    chosen = chosen or (found[0] if found else None)
    # Only what the block sets: vendors tell a setting left out from one set to its default.
    fields = (
        chosen.model_dump(exclude_unset=True, by_alias=True) if chosen else dict(defaults or {})
    )
    given = {"count": count, "seed": seed, "name": name}
    fields.update((key, value) for key, value in given.items() if value is not None)
    if "count" not in fields:
        raise Invalid(("count",), "no generate: block to take it from (give --count)")
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise Invalid((), describe_problems(exc)) from None


class WithBlocks(Protocol[B_co]):
    """A vendor's loaded fixtures, as far as choosing a block to export needs them."""

    @property
    def generate(self) -> Sequence[tuple[LoadedFile, int, B_co]]:
        """The ``generate:`` blocks, with the file and position each was written at."""
        ...


D = TypeVar("D", bound=WithBlocks[Any])


@dataclass(frozen=True)
class FixtureReader(Generic[D, B, S]):
    """How a vendor reads a fixture folder and builds its generated sets: all that the fixture
    check (``jobmock validate``) and the export (``jobmock generate``) need of it."""

    load: Callable[[list[LoadedFile]], D]
    load_sets: Callable[[D], Sequence[S]]
    describe: Callable[[D, Sequence[S]], str]
    """The one-line summary of a valid folder."""
    block: type[B] | None
    """The ``generate:`` block's model; None for a vendor without generated jobs."""
    build_set: Callable[[B, D], S]
    sections: tuple[str, ...]
    """What a generated job needs from its folder, written before the jobs."""
    defaults: Callable[[D], Mapping[str, Any]] | None = None
    """The block to export from a folder that has none (``--count`` still needed)."""
    narrow: Callable[[Export[S]], Export[S]] | None = None
    """The export with only the definitions its set needs, where that is less than
    ``sections`` (prunner: the set's one pipeline)."""

    def check(self, directory: Path, vendor: VendorSpec) -> str:
        from jobmock.core.fault_rules import fault_specs

        files = load_dir(directory)
        data = self.load(files)
        summary = self.describe(data, self.load_sets(data))
        # The file-level sections start-up reads too: a bad one must not pass here.
        rules = fault_specs(files, vendor.slug)
        default = fixture_scenario(files, vendor)
        if rules:
            summary += f"; {len(rules)} fault rule{'s' if len(rules) > 1 else ''}"
        return summary if default is None else f"{summary}; scenario {default.name}"

    def export(
        self,
        directory: Path,
        vendor: VendorSpec,
        count: int | None,
        seed: int | None,
        name: str | None,
    ) -> Export[S]:
        """The jobs a ``generate:`` block with these settings would hold, as fixture jobs: the
        folder's block named ``name``, else its first, else the defaults."""

        block = self.block
        if block is None:
            raise ValueError("this vendor has no generated jobs")

        def build(files: list[LoadedFile]) -> S:
            data = self.load(files)
            defaults = self.defaults(data) if self.defaults is not None else None
            spec = block_settings(block, data.generate, count, seed, name, defaults)
            return self.build_set(spec, data)

        export = export_set(directory, self.sections, build, vendor)
        return self.narrow(export) if self.narrow is not None else export


def definitions(files: Iterable[LoadedFile], sections: Sequence[str]) -> dict[str, Any]:
    """``sections`` of ``files`` as one file would hold them: lists joined, mappings merged
    (the loaders refuse a name defined twice, and a setting made in two files)."""
    out: dict[str, Any] = {}
    for file in files:
        for name in sections:
            value = file.data.get(name)
            if value is None:
                continue
            if isinstance(value, list):
                out.setdefault(name, []).extend(value)
            elif isinstance(value, dict):
                out.setdefault(name, {}).update(value)
            else:
                out[name] = value
    return {name: out[name] for name in sections if name in out}


def _dumper() -> type[yaml.SafeDumper]:
    base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    # Never an alias: a value shared by two jobs (nunu's initiator and stopped_by) is written out
    # twice, so each job reads alone and no loader meets an anchor.
    dumper: type[yaml.SafeDumper] = type(
        "ExportDumper", (base,), {"ignore_aliases": lambda *_: True}
    )
    dumper.add_representer(Span, lambda d, value: d.represent_str(exact_duration(value)))
    return dumper


_DUMPER = _dumper()


def dump(value: Any) -> str:
    return yaml.dump(value, Dumper=_DUMPER, sort_keys=False, width=100)


def write(
    out: TextIO,
    export: Export[Any],
    header: str,
    standalone: bool = True,
    progress: Callable[[int], None] | None = None,
) -> None:
    """``export`` as a fixture file; ``standalone=False`` leaves the definitions out (for a
    folder that already has them). Jobs are written one at a time: memory stays flat."""
    out.write(header)
    out.write("schema_version: 1\n")
    if standalone and export.definitions:
        out.write(dump(export.definitions))
    count = export.jobs.count
    out.write("jobs:\n" if count else "jobs: []\n")
    for index in range(count):
        out.write(dump([export.jobs.fixture(index)]))
        if progress is not None:
            progress(index + 1)
