"""Vendor-neutral machinery: clock, store, lifecycle, fixtures, auth, errors. Imports no vendor."""
