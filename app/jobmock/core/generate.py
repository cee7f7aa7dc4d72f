"""Seeded randomness and Faker, per app instance and per job.

Every generated value is drawn from a generator seeded with (app seed, vendor, job id), so a job
renders the same document whatever the order of requests, on any machine, after any restart.
Faker is imported the first time a value is actually generated, never at package import.
"""

from __future__ import annotations

import functools
import hashlib
import random
import string
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_BASE36 = string.digits + string.ascii_lowercase


def derive_seed(*parts: object) -> int:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def seeded_text(key: str, alphabet: str, length: int) -> str:
    """``length`` characters of ``alphabet`` (ASCII) drawn from a hash of ``key`` (the same for
    the same key), at C speed: request ids are drawn for every answer."""
    table, skipped = _byte_tables(alphabet)
    text = b""
    block = 0
    while len(text) < length:
        # An extendable-output hash: as many bytes as asked, an eighth more for those skipped.
        digest = hashlib.shake_256(f"{key}:{block}".encode()).digest(length + length // 8 + 16)
        text += digest.translate(table, skipped)
        block += 1
    return text[:length].decode("ascii")


@functools.cache
def _byte_tables(alphabet: str) -> tuple[bytes, bytes]:
    """Each byte value to a character of ``alphabet``, and the values skipped so that every
    character is as likely (those at or past the largest multiple of its length)."""
    size = len(alphabet)
    limit = 256 - 256 % size
    table = bytes(ord(alphabet[value % size]) for value in range(256))
    return table, bytes(range(limit, 256))


class Rng(random.Random):
    """A ``random.Random`` with the id shapes vendors use."""

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.getrandbits(128), version=4))

    def base36(self, length: int) -> str:
        return self.text(_BASE36, length)

    def text(self, alphabet: str, length: int) -> str:
        """What ``length`` calls of ``choice(alphabet)`` give, drawn as ``choice`` draws (the
        fewest bits that hold the alphabet's length, again while out of range) without its
        per-character overhead: request ids are drawn for every answer."""
        size = len(alphabet)
        bits = size.bit_length()
        draw = self.getrandbits
        chars: list[str] = []
        while len(chars) < length:
            r = draw(bits)
            if r < size:
                chars.append(alphabet[r])
        return "".join(chars)

    def hex(self, length: int) -> str:
        return self.text("0123456789abcdef", length)


class Generator:
    """The app's source of seeded values. One per app: never ``Faker.seed()`` globally."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._faker: Any = None
        self._lock = threading.Lock()

    def rng(self, *key: object) -> Rng:
        return Rng(derive_seed(self.seed, *key))

    @contextmanager
    def faker(self, *key: object) -> Iterator[Any]:
        """A Faker instance seeded for ``key``, held exclusively for the ``with`` block."""
        with self._lock:
            if self._faker is None:
                from faker import Faker

                self._faker = Faker("en_US")
            self._faker.seed_instance(derive_seed(self.seed, "faker", *key))
            yield self._faker
