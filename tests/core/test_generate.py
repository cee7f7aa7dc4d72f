"""Seeded generation: the same app seed and key give the same values on every call, in any
order, in any app; another seed or key gives others."""

from __future__ import annotations

import re
import string

from jobmock.core.generate import Generator, Rng, derive_seed


def test_a_seed_is_derived_from_its_parts_alone() -> None:
    assert derive_seed(0, "nunu", "job-1") == derive_seed(0, "nunu", "job-1")
    assert derive_seed(0, "nunu", "job-1") != derive_seed(0, "nunu", "job-2")
    assert derive_seed(0, "nunu", "job-1") != derive_seed(1, "nunu", "job-1")
    assert 0 <= derive_seed("x") < 2**64


def test_the_same_key_draws_the_same_values_in_any_order_and_any_app() -> None:
    one, two = Generator(seed=7), Generator(seed=7)
    first = one.rng("nunu", "a").random()
    one.rng("nunu", "b").random()
    assert two.rng("nunu", "b").random() != first
    assert two.rng("nunu", "a").random() == first
    assert Generator(seed=8).rng("nunu", "a").random() != first


def test_ids_have_the_shapes_vendors_use() -> None:
    rng = Generator().rng("ids")
    uuid4 = rng.uuid4()
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", uuid4
    )
    assert re.fullmatch(r"[0-9a-z]{11}", rng.base36(11))
    assert re.fullmatch(r"[0-9a-f]{24}", rng.hex(24))
    assert Generator().rng("ids").uuid4() == uuid4


def test_faker_values_are_seeded_per_key() -> None:
    generator = Generator(seed=3)
    with generator.faker("nunu", "a") as fake:
        first = fake.name()
    with generator.faker("nunu", "b") as fake:
        fake.name()
    with Generator(seed=3).faker("nunu", "a") as fake:
        assert fake.name() == first


def test_text_draws_what_choice_draws() -> None:
    """Request ids and generated ids keep their values: ``text`` is ``choice`` in a loop."""
    alphabets = ("ab", "0123456789abcdef", string.digits + string.ascii_lowercase)
    for alphabet in (*alphabets, string.ascii_letters + string.digits):
        for seed in range(20):
            by_choice = Rng(seed)
            expected = "".join(by_choice.choice(alphabet) for _ in range(40))
            assert Rng(seed).text(alphabet, 40) == expected
