"""The vendor registry: adding a vendor is one package and one line here."""

from __future__ import annotations

from jobmock.core.vendor import Vendor, VendorSpec
from jobmock.vendors import intuned, nunu, osapi, prunner

VENDORS: tuple[Vendor, ...] = (
    nunu.VENDOR,
    intuned.VENDOR,
    prunner.VENDOR,
    osapi.VENDOR,
)


def get_vendor(slug: str) -> Vendor:
    for vendor in VENDORS:
        if vendor.spec.slug == slug:
            return vendor
    raise KeyError(slug)


def get_spec(slug: str) -> VendorSpec:
    return get_vendor(slug).spec
