"""What a recording writes instead of secrets and personal data.

The credential the recording used is always removed, wherever a vendor echoed it. With
``--redact``, the values of personal fields (by name: the shared ``PERSONAL`` ones and the
vendor's own) and every e-mail address in any text are replaced by Faker values of the same
kind (an e-mail by an e-mail, a UUID by a UUID, a URL by a URL), stably: one value gets one
replacement throughout a recording, so a user who started two jobs still started both. The
replacements are seeded by a salt drawn per recording, so two recordings cannot be matched up
to guess the originals.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from jobmock.core.generate import Generator

#: Field names that hold personal data or secrets at every vendor (compared lowercased, with
#: ``_`` and ``-`` dropped).
PERSONAL = frozenset(
    {
        "email",
        "emails",
        "user",
        "username",
        "userid",
        "owner",
        "author",
        "phone",
        "password",
        "secret",
        "token",
        "apikey",
        "accesskeyid",
        "secretaccesskey",
        "sessiontoken",
        "authorization",
        "cookie",
        "headers",
    }
)
CREDENTIAL = "REDACTED"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def field_key(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


class Redactor:
    """Replaces the ``secrets`` everywhere, and with ``personal`` given, personal data too."""

    def __init__(
        self, secrets_: Iterable[str], personal: Iterable[str] | None, salt: int | None = None
    ) -> None:
        self.secrets = sorted({s for s in secrets_ if s}, key=len, reverse=True)
        self.personal = (
            None if personal is None else frozenset(field_key(n) for n in (*PERSONAL, *personal))
        )
        self._faker = Generator(secrets.randbits(63) if salt is None else salt)
        self._done: dict[tuple[str, str], Any] = {}

    def apply(self, value: Any, personal: bool = False) -> Any:
        """``value`` with every secret removed; ``personal`` says it is a personal field's."""
        if isinstance(value, dict):
            return {
                key: self.apply(item, personal or self._is_personal(key))
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.apply(item, personal) for item in value]
        if not isinstance(value, str):
            return value
        for secret in self.secrets:
            value = value.replace(secret, CREDENTIAL)
        if self.personal is None:
            return value
        if personal:
            return self._replace(value)
        return EMAIL.sub(lambda match: self._replace(match.group(0)), value)

    def _is_personal(self, key: object) -> bool:
        return (
            self.personal is not None and isinstance(key, str) and field_key(key) in self.personal
        )

    def _replace(self, value: str) -> str:
        if value in ("", CREDENTIAL):
            return value
        kind = _kind(value)
        known = self._done.get((kind, value))
        if known is None:
            with self._faker.faker("redact", kind, value) as fake:
                known = _fake(fake, kind, value)
            self._done[(kind, value)] = known
        return str(known)


def _kind(value: str) -> str:
    if EMAIL.fullmatch(value):
        return "email"
    if UUID.match(value):
        return "uuid"
    if URL.match(value):
        return "url"
    return "text"


def _fake(fake: Any, kind: str, value: str) -> str:
    if kind == "email":
        return str(fake.email())
    if kind == "uuid":
        text = str(uuid.UUID(int=fake.random.getrandbits(128), version=4))
        return text.upper() if value.isupper() else text
    if kind == "url":
        return f"https://{fake.domain_name()}/{fake.uri_path()}"
    if " " in value:
        return str(fake.name())
    # Same shape as what it replaces: an id stays an id-looking word.
    return str(fake.user_name())
