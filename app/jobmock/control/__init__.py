"""The control API (``/_mock``): health, reset, clock, jobs, requests."""

#: The control API's first path segment, in every layout and session.
CONTROL_PREFIX = "_mock"
