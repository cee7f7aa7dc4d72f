"""Generated job sets: a million jobs computed from their index, never stored.

A set is defined by its seed and constraints. Job ``i`` depends only on them and on ``i``, so a
larger count adds jobs without changing the ones already there, and two apps (or one app after a
reset) render the same documents. Three pieces make that work in constant memory:

- ``IdCodec``: a keyed bijection between an index and a vendor-shaped id (UUID, base-36, hex), so
  a detail request maps its id back to an index in O(1) and ids still look random.
- ``BlockMix``: which category (a test, an outcome, ...) job ``i`` falls into. Indices are cut in
  blocks whose content matches the weights exactly, shuffled per block by a seeded affine map, so
  a category is O(1) to compute and how many jobs of a category lie in a range is arithmetic, not
  a scan: filtered lists page through a million jobs without touching them.
- ``Schedule``: job ``i`` is created ``every`` seconds before job ``i - 1`` (plus seeded jitter),
  so index order is newest-first order and only a short prefix can still be running.
"""

from __future__ import annotations

import math
import uuid
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from jobmock.core.generate import derive_seed

_MASK64 = (1 << 64) - 1
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _mix64(value: int) -> int:
    """splitmix64's finaliser: a fast, well-spread 64-bit hash."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


class Feistel:
    """A keyed permutation of ``bits``-bit integers (``bits`` even), invertible in O(1)."""

    ROUNDS = 4

    def __init__(self, key: int, bits: int) -> None:
        if bits % 2:
            raise ValueError("a Feistel permutation needs an even bit width")
        self.half = bits // 2
        self.mask = (1 << self.half) - 1
        self.keys = [_mix64(key ^ (r * 0x51ED270B27A1E)) for r in range(self.ROUNDS)]

    def _f(self, value: int, key: int) -> int:
        return _mix64(value ^ key) & self.mask

    def encrypt(self, value: int) -> int:
        left, right = value >> self.half, value & self.mask
        for key in self.keys:
            left, right = right, left ^ self._f(right, key)
        return (left << self.half) | right

    def decrypt(self, value: int) -> int:
        left, right = value >> self.half, value & self.mask
        for key in reversed(self.keys):
            left, right = right ^ self._f(left, key), left
        return (left << self.half) | right


class IdCodec:
    """Index <-> id for one generated set. Every bit of an id looks random, yet an id carries a
    check of the set, so an id from elsewhere (a fixture, another set) is told apart in O(1)."""

    INDEX_BITS = 40  # a trillion jobs per set

    def __init__(self, *key: object) -> None:
        seed = derive_seed("bulk-ids", *key)
        self._perm = Feistel(seed, self.INDEX_BITS)
        self._tag = _mix64(seed)
        self._salt = _mix64(seed ^ 0xA5A5A5A5)

    def _pack(self, index: int, bits: int) -> int:
        """``bits`` bits: the permuted index below, the set's check (masked by it) above."""
        if not 0 <= index < 1 << self.INDEX_BITS:
            raise ValueError(f"index {index} out of range")
        value = self._perm.encrypt(index)
        check_bits = bits - self.INDEX_BITS
        check = (self._tag ^ self._mask(value)) & ((1 << check_bits) - 1)
        return check << self.INDEX_BITS | value

    def _unpack(self, payload: int, bits: int) -> int | None:
        value = payload & ((1 << self.INDEX_BITS) - 1)
        check_bits = bits - self.INDEX_BITS
        expected = (self._tag ^ self._mask(value)) & ((1 << check_bits) - 1)
        if payload >> self.INDEX_BITS != expected:
            return None
        return self._perm.decrypt(value)

    def _mask(self, value: int) -> int:
        # Up to 128 bits of noise derived from the permuted index.
        return _mix64(value ^ self._salt) << 64 | _mix64(value + self._salt)

    def uuid(self, index: int) -> str:
        """A version-4 UUID (122 payload bits)."""
        payload = self._pack(index, 122)
        high, low = payload >> 62, payload & ((1 << 62) - 1)
        value = (high >> 12) << 80 | 4 << 76 | (high & 0xFFF) << 64 | 0b10 << 62 | low
        return str(uuid.UUID(int=value))

    def index_of_uuid(self, text: str) -> int | None:
        try:
            value = uuid.UUID(text).int
        except ValueError:
            return None
        if (value >> 76) & 0xF != 4 or (value >> 62) & 0b11 != 0b10:
            return None
        high = (value >> 80) << 12 | (value >> 64) & 0xFFF
        return self._unpack(high << 62 | value & ((1 << 62) - 1), 122)

    def base36(self, index: int, length: int = 11) -> str:
        """``length`` lowercase base-36 characters (nunu run ids are 11)."""
        payload = self._pack(index, int(length * math.log2(36)))
        out = []
        for _ in range(length):
            payload, digit = divmod(payload, 36)
            out.append(_BASE36[digit])
        return "".join(reversed(out))

    def index_of_base36(self, text: str, length: int = 11) -> int | None:
        if len(text) != length or any(c not in _BASE36 for c in text):
            return None
        return self._unpack(int(text, 36), int(length * math.log2(36)))

    def hex(self, index: int, length: int = 24) -> str:
        """``length`` lowercase hex digits (at least 16)."""
        return f"{self._pack(index, length * 4):0{length}x}"

    def index_of_hex(self, text: str, length: int = 24) -> int | None:
        if len(text) != length:
            return None
        try:
            payload = int(text, 16)
        except ValueError:
            return None
        return self._unpack(payload, length * 4)


@lru_cache(maxsize=64)
def _units(modulus: int) -> tuple[int, ...]:
    return tuple(a for a in range(1, modulus) if math.gcd(a, modulus) == 1) or (1,)


class BlockMix:
    """Which of several weighted categories each index falls into, in exact proportion.

    Every block of ``sum(weights)`` consecutive indices holds category ``c`` exactly
    ``weights[c]`` times, in an order shuffled per block by a seeded affine map.
    """

    def __init__(self, weights: Sequence[int], *key: object) -> None:
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise ValueError("a mix needs non-negative weights, not all zero")
        self.weights = tuple(weights)
        self.block = sum(weights)
        self._bounds = []
        total = 0
        for weight in weights:
            total += weight
            self._bounds.append(total)
        self._seed = derive_seed("bulk-mix", *key)
        self._units = _units(self.block)

    def _affine(self, block: int) -> tuple[int, int]:
        h = _mix64(self._seed ^ block)
        return self._units[h % len(self._units)], (h >> 32) % self.block

    def category(self, index: int) -> int:
        block, slot = divmod(index, self.block)
        a, c = self._affine(block)
        return bisect_right(self._bounds, (a * slot + c) % self.block)

    def select(self, matching: Callable[[int], bool]) -> Selection:
        """The categories ``matching`` accepts, ready to be counted and located by arithmetic."""
        return Selection(self, matching)

    def count(self, matching: Callable[[int], bool], stop: int, start: int = 0) -> int:
        """How many indices in ``[start, stop)`` fall in a category ``matching`` accepts."""
        return self.select(matching).count(start, stop)

    def iter_matching(
        self, matching: Callable[[int], bool], start: int, stop: int, skip: int = 0
    ) -> Iterator[int]:
        """Indices in ``[start, stop)`` whose category matches, after skipping ``skip`` of them."""
        return self.select(matching).iter_from(start, stop, skip)


def _floor_sum(n: int, m: int, a: int, b: int) -> int:
    """``sum(floor((a * i + b) / m) for i in range(n))`` for non-negative ``a`` and ``b``, in
    O(log m) steps (the Euclid-like reduction of the AtCoder Library's ``floor_sum``)."""
    total = 0
    while True:
        if a >= m:
            total += n * (n - 1) // 2 * (a // m)
            a %= m
        if b >= m:
            total += n * (b // m)
            b %= m
        top = a * n + b
        if top < m:
            return total
        n, b = divmod(top, m)
        m, a = a, m


class Selection:
    """The indices of a ``BlockMix`` whose category a predicate accepts, counted and located
    without visiting them, so a count or a rank costs the same at index 10 and at 10^12.

    A block maps slot ``s`` to the value ``(a * s + c) % block``; a category owns an interval of
    values. How many of a block's first ``k`` slots land in ``[low, high)`` is a difference of
    two floor sums: ``[x % m < w] == x // m - (x - w) // m`` for ``0 < w <= m``."""

    def __init__(self, mix: BlockMix, matching: Callable[[int], bool]) -> None:
        self.mix = mix
        self.matching = matching
        self.intervals: list[tuple[int, int]] = []
        low = 0
        for category, high in enumerate(mix._bounds):
            if low < high and matching(category):
                if self.intervals and self.intervals[-1][1] == low:
                    low = self.intervals.pop()[0]
                self.intervals.append((low, high))
            low = high
        self.per_block = sum(high - low for low, high in self.intervals)

    def _in_block(self, block: int, slots: int) -> int:
        """How many of the first ``slots`` slots of ``block`` match."""
        size = self.mix.block
        if slots <= 0 or self.per_block in (0, size):
            return 0 if slots <= 0 else slots * self.per_block // size
        a, c = self.mix._affine(block)
        return sum(
            _floor_sum(slots, size, a, c - low + size) - _floor_sum(slots, size, a, c - high + size)
            for low, high in self.intervals
        )

    def before(self, stop: int) -> int:
        """How many indices in ``[0, stop)`` match."""
        block, slot = divmod(stop, self.mix.block)
        return block * self.per_block + self._in_block(block, slot)

    def count(self, start: int, stop: int) -> int:
        """How many indices in ``[start, stop)`` match."""
        return self.before(stop) - self.before(start) if stop > start else 0

    def nth(self, rank: int) -> int:
        """The index of the ``rank``-th match (from 0) counting from index 0."""
        block, inside = divmod(rank, self.per_block)
        low, high = 0, self.mix.block - 1
        while low < high:  # the first slot whose prefix holds ``inside + 1`` matches
            middle = (low + high) // 2
            if self._in_block(block, middle + 1) > inside:
                high = middle
            else:
                low = middle + 1
        return block * self.mix.block + low

    def iter_from(self, start: int, stop: int, skip: int = 0) -> Iterator[int]:
        """Matching indices in ``[start, stop)`` in order, after skipping ``skip`` of them."""
        if self.per_block == 0:
            return
        index = self.nth(self.before(start) + skip)
        category, matching = self.mix.category, self.matching
        for i in range(index, stop):
            if matching(category(i)):
                yield i


@dataclass(frozen=True)
class Schedule:
    """Creation times: job 0 at ``newest``, each next one ``every`` earlier, jittered within
    its slot, so index order is newest-first order."""

    newest: datetime
    every: float
    key: int = 0

    def age(self, index: int) -> float:
        """Seconds from ``newest`` back to job ``index``'s creation (microsecond precision)."""
        jitter = (_mix64(self.key ^ index) % 1_000_000) / 1_000_000 * self.every * 0.9
        return round(index * self.every + jitter, 6)

    def created(self, index: int) -> datetime:
        return self.newest - timedelta(seconds=self.age(index))

    def first_created_before(self, moment: datetime) -> int:
        """The smallest index created at or before ``moment`` (jobs before it are newer)."""
        gap = (self.newest - moment).total_seconds()
        if gap <= 0:
            return 0
        index = max(0, int(gap // self.every) - 1)
        while self.created(index) > moment:
            index += 1
        return index
