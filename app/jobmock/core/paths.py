"""Path patterns, as fault rules and journal filters take them, and how one matches a request.

A client configured with the base URL ``.../nunu/api/v1`` thinks of its call as ``/jobs/{id}``;
the vendor's documentation says ``/api/v1/jobs/{id}``; jobmock serves it at
``/nunu/api/v1/jobs/{id}`` (or ``/_session/NAME/nunu/...``). A pattern in any of these forms
matches the same requests, in every layout:

- jobmock's own prefix (``/_session/NAME``, then ``/SLUG``) is taken off the pattern;
- what is left matches if it matches a tail of the vendor's path that starts at a segment
  boundary and holds at least everything after the vendor's base path. So for
  ``/api/v1/jobs/abc`` (base ``/api/v1``), ``/jobs/abc``, ``/v1/jobs/abc`` and
  ``/api/v1/jobs/abc`` match; ``/abc`` does not.

Segments compare one by one: ``*`` and ``?`` match within one segment, ``[...]`` a character
class, and a ``**`` segment any number of segments (``/jobs/**`` is a job and all under it).
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

#: jobmock's session prefix; kept here so matching needs nothing from ``jobmock.sessions``.
SESSION_SEGMENT = "_session"


def split(path: str) -> list[str]:
    """``/a/b`` -> ``["a", "b"]``; a pattern without the leading slash reads the same."""
    return path.removeprefix("/").split("/")


def tail_length(path: Sequence[str | None], base_path: str) -> int:
    """How many segments of ``path`` (a vendor path, split) come after ``base_path``."""
    base = split(base_path) if base_path else []
    if base and len(path) >= len(base) and list(path[: len(base)]) == base:
        return len(path) - len(base)
    return len(path)


class PathPattern:
    """One pattern, parsed once; ``matches`` is what each request pays."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.segments = tuple(split(pattern))

    def for_vendor(self, slug: str) -> tuple[str, ...]:
        """The pattern with jobmock's prefixes for ``slug`` taken off."""
        segments = self.segments
        if len(segments) > 2 and segments[0] == SESSION_SEGMENT:
            segments = segments[2:]
        if len(segments) > 1 and segments[0] == slug:
            segments = segments[1:]
        return segments

    def matches(self, slug: str, path: Sequence[str | None], base_path: str) -> bool:
        """Whether this pattern matches the vendor path ``path`` (split; ``None`` stands for a
        template parameter, which any non-empty segment pattern can match)."""
        return matches(self.for_vendor(slug), path, tail_length(path, base_path))


def matches(pattern: Sequence[str], path: Sequence[str | None], tail: int) -> bool:
    """``pattern`` matches one of the last ``tail``, ``tail + 1``, ... segments of ``path``."""
    if "**" not in pattern:
        start = len(path) - len(pattern)
        return len(pattern) >= tail and start >= 0 and _full(pattern, path[start:])
    return any(_full(pattern, path[start:]) for start in range(len(path) - tail + 1))


def _full(pattern: Sequence[str], path: Sequence[str | None]) -> bool:
    if not pattern:
        return not path
    head = pattern[0]
    if head == "**":
        return any(_full(pattern[1:], path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    segment = path[0]
    fits = bool(head) if segment is None else fnmatchcase(segment, head)
    return fits and _full(pattern[1:], path[1:])
