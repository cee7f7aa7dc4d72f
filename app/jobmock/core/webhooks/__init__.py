"""Webhooks driven by the mock clock: what a vendor would POST to a client's URL, and when.

A vendor says what happens (``WebhookSource.webhook_events``: a run's results, a run reaching a
terminal state); the ``Outbox`` turns each event into a ``Delivery`` due at its moment on the mock
clock and sends it as a real sender would (a timeout, retries with backoff on the mock clock,
delivery faults). A move of the clock delivers what it crosses before it returns; on a running
clock the scheduler (``scheduler.py``, in the server's event loop) delivers on time.
"""
