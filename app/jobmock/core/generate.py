"""Seeded randomness and Faker, per app instance and per job.

Every generated value is drawn from a generator seeded with (app seed, vendor, job id), so a job
renders the same document whatever the order of requests, on any machine, after any restart.
Faker is imported the first time a value is actually generated, never at package import.
"""

from __future__ import annotations

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
