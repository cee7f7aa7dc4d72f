"""A piece of state held as attributes of an object, copied to and from the store whole.

Each process keeps working on its own objects (so the in-memory code runs unchanged); a component
is pushed when its pickled form differs from the one last pushed or pulled, and pulled when the
store's revision of it differs from the one this process holds. Caches derived from it are
emptied on a pull: they were computed from state another process has since changed.
"""

from __future__ import annotations

import copyreg
import pickle
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any


def read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return read_only, (dict(proxy),)


# Records hold read-only mappings, which pickle does not know.
copyreg.pickle(MappingProxyType, _mapping_proxy)

#: The clock's whole state (mode, scale, where it stands, where it returns to on reset).
CLOCK_ATTRS = (
    "_mode",
    "_scale",
    "_frozen",
    "_anchor",
    "_start",
    "_explicit_start",
    "_initial_mode",
    "_initial_scale",
)


class Component:
    __slots__ = ("attrs", "caches", "known", "name", "owner", "rev")

    def __init__(self, name: str, owner: object, attrs: Sequence[str], caches: Sequence[str]):
        self.name = name
        self.owner = owner
        self.attrs = tuple(attrs)
        self.caches = tuple(caches)
        self.known: bytes = b""
        """The form last pushed or pulled."""
        self.rev: int = 0
        """The store's revision of it that this process holds."""

    def dump(self) -> bytes:
        values = tuple(getattr(self.owner, attr) for attr in self.attrs)
        return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)

    def changed(self) -> bytes | None:
        """Its form now, if it differs from the one last synchronised."""
        blob = self.dump()
        return None if blob == self.known else blob

    def load(self, blob: bytes, rev: int) -> None:
        # The store is jobmock's own (docs/state.md: whoever can write to it controls the mock).
        values: tuple[Any, ...] = pickle.loads(blob)
        for attr, value in zip(self.attrs, values, strict=True):
            setattr(self.owner, attr, value)
        for cache in self.caches:
            getattr(self.owner, cache).clear()
        self.known, self.rev = blob, rev
