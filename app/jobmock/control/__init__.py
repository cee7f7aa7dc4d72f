"""The control API (``/_mock``): health, reset, clock, jobs, requests."""
