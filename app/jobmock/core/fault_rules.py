"""Whether a fault rule can ever fire, and the rules of a vendor's fixture files.

A rule no request to a documented operation can match is refused where it is made (the control
API, the handle, a ``faults:`` section), naming the closest operation ids and paths, rather than
kept and silently never fired.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from jobmock.core.faults import PATH_RULE, FaultSpec
from jobmock.core.fixture_files import FixtureError, LoadedFile
from jobmock.core.paths import PathPattern, matches, tail_length

if TYPE_CHECKING:
    from jobmock.core.operations import Operation, OperationTable
    from jobmock.core.vendor import VendorApp


def why_unmatchable(
    spec: FaultSpec, slug: str, base_path: str, index: OperationTable
) -> tuple[str, str] | None:
    """Why no request to any documented operation of the vendor can match ``spec`` (the field
    to blame and a message naming the closest operations), or None if some can."""
    if not (spec.method or spec.path or spec.operation):
        return None
    ops = index.operations
    method = "GET" if spec.method == "HEAD" else spec.method
    pattern = PathPattern(spec.path).for_vendor(slug) if spec.path else None
    on_path = [op for op in ops if pattern is None or _reaches(pattern, op.segments, base_path)]
    fits = [
        op
        for op in on_path
        if (spec.operation is None or op.operation_id == spec.operation)
        and (method is None or op.method == method)
    ]
    if fits:
        return None
    if spec.operation and spec.operation not in {op.operation_id for op in ops}:
        ids = sorted({op.operation_id for op in ops})
        close = difflib.get_close_matches(spec.operation, ids, n=3, cutoff=0.0)
        return "operation", (
            f"{slug} has no operation {spec.operation!r}; the closest: {', '.join(close)} "
            "(`jobmock routes` lists every operation id)"
        )
    methods = sorted({op.method for op in ops})
    if method and method not in methods:
        return "method", f"{slug} has no {method} operation; it has {', '.join(methods)}"
    if not on_path:
        assert pattern is not None
        return "path", _no_route(spec, slug, pattern, base_path, index)
    # Each part fits some operation, but no one operation fits them all.
    parts = [f"is {method}"] if method else []
    parts += [f"is named {spec.operation!r}"] if spec.operation else []
    parts += [f"matches path {spec.path!r}"] if spec.path else []
    if spec.path:
        seen = "the path matches " + _names(on_path)
    else:
        named = [op for op in ops if op.operation_id == spec.operation]
        seen = f"{spec.operation} is {_names(named)}"
    field = "method" if method else "operation"
    return field, f"no {slug} operation {', '.join(parts[:-1])} and {parts[-1]}: {seen}"


def _no_route(
    spec: FaultSpec, slug: str, pattern: tuple[str, ...], base_path: str, index: OperationTable
) -> str:
    wanted = "/".join(pattern)
    if not wanted.startswith(base_path.strip("/")):
        wanted = f"{base_path}/{wanted}"  # compare the client's form with the full templates
    named = {f"{op.method} {op.template}": op.operation_id for op in index.operations}
    close = [f"{n} ({named[n]})" for n in index.nearest_paths(spec.method, wanted, 3)]
    return f"{spec.path!r} matches no {slug} route; the closest: {', '.join(close)} ({PATH_RULE})"


def _names(ops: Iterable[Operation]) -> str:
    return ", ".join(f"{op.method} {op.template} ({op.operation_id})" for op in ops)


def _reaches(pattern: tuple[str, ...], template: tuple[str | None, ...], base_path: str) -> bool:
    return matches(pattern, template, tail_length(template, base_path))


def fault_specs(
    files: Iterable[LoadedFile], vendor: str, served: VendorApp | None = None
) -> list[FaultSpec]:
    """The ``faults:`` sections of a vendor's fixture files; errors name file, line and field.
    With ``served`` (the vendor built from them), a rule no request can match is an error."""
    from pydantic import TypeAdapter, ValidationError

    adapter = TypeAdapter(list[FaultSpec])
    specs: list[FaultSpec] = []
    problems = []
    for file in files:
        if file.faults is None:
            continue
        try:
            found = adapter.validate_python(file.faults)
        except ValidationError as exc:
            problems.extend(file.validation_error(exc, ("faults",)).problems)
            continue
        for i, spec in enumerate(found):
            if spec.vendor not in (None, vendor):
                problems.append(
                    file.problem(
                        ("faults", i, "vendor"),
                        f"a fault in the {vendor} fixtures cannot name vendor {spec.vendor!r}",
                    )
                )
            elif served is not None and (spec.method or spec.path or spec.operation):
                why = why_unmatchable(spec, vendor, served.spec.base_path, served.operations)
                if why is not None:
                    problems.append(file.problem(("faults", i, why[0]), why[1]))
        specs.extend(found)
    if problems:
        raise FixtureError(problems)
    return specs
