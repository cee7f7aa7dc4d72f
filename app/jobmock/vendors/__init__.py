"""The vendor registry: adding a vendor is one package and one line here."""

from __future__ import annotations

from jobmock.core.vendor import VendorSpec
from jobmock.vendors import intuned, nunu, osapi, prunner

VENDORS: tuple[VendorSpec, ...] = (
    nunu.SPEC,
    intuned.SPEC,
    prunner.SPEC,
    osapi.SPEC,
)


def get_spec(slug: str) -> VendorSpec:
    for spec in VENDORS:
        if spec.slug == slug:
            return spec
    raise KeyError(slug)
