"""``jobmock record``: a real vendor's jobs read over HTTP and written as fixture YAML.

The shared machinery lives here, once: the HTTP side (``api``: what the vendor answered, named
in every error), following a running job (``follow``), redaction (``redact``) and the atomic
write (``output``), driven by ``recorder.record``. What differs per vendor (paths, auth, how a
document becomes a fixture job) is the vendor's ``record.py``, a ``VendorRecorder``.
"""
