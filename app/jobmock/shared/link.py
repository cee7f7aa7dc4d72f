"""One connection pool per Redis URL and process, and the store's own failures as a 503.

Every socket operation has a timeout, so a Redis that stops answering costs a client at most
``TIMEOUT`` seconds and an answer in the vendor's own shape, never a hang or a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from jobmock.core.errors import MockError

#: Seconds a connect or a command may take before the store counts as lost.
TIMEOUT = 2.0
SCHEMES = ("redis", "rediss", "unix")

T = TypeVar("T")


class StoreUnavailable(MockError):
    """The shared store did not answer: each vendor renders it as its own 503."""

    status = 503


def redacted(url: str) -> str:
    """``url`` without its password, fit for an error message or a log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def check_url(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        raise ValueError(
            f"--state takes memory (the default) or a Redis URL such as "
            f"redis://HOST:6379/0 ({', '.join(s + '://' for s in SCHEMES)}), got {url!r}"
        )
    return url


class Link:
    """A redis-py client for one URL, whose errors become ``StoreUnavailable``."""

    def __init__(self, url: str) -> None:
        try:
            import redis
        except ImportError:
            raise StoreUnavailable(
                "a Redis store needs redis-py: pip install 'jobmock[redis]'"
            ) from None
        self.url = url
        self.shown = redacted(url)
        self.errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self.response_error: type[BaseException] = redis.ResponseError
        # Any: redis-py types every reply bytes | str, whatever ``decode_responses`` says.
        self.client: Any = redis.Redis.from_url(url, **_OPTIONS)
        self._scripts: dict[str, Any] = {}
        # A process serves on one loop; the suite runs several servers in threads.
        self._loops: dict[asyncio.AbstractEventLoop, _LoopConnection] = {}

    def lost(self, exc: BaseException) -> StoreUnavailable:
        return StoreUnavailable(
            f"jobmock's state store at {self.shown} is not answering ({type(exc).__name__}); "
            "retry once it is back",
            reason="store",
        )

    def run(self, work: Callable[[Any], T]) -> T:
        """``work(client)``, with a lost store raised as ``StoreUnavailable``."""
        try:
            return work(self.client)
        except self.errors as exc:
            raise self.lost(exc) from None

    def script(self, source: str) -> Any:
        """A Lua script registered once per process (redis-py sends its SHA after that)."""
        found = self._scripts.get(source)
        if found is None:
            found = self._scripts[source] = self.client.register_script(source)
        return found

    def _on_loop(self) -> _LoopConnection:
        loop = asyncio.get_running_loop()
        found = self._loops.get(loop)
        if found is None:
            found = self._loops[loop] = _LoopConnection(self.url)
        return found

    async def acall(self, source: str, keys: list[str], args: list[Any]) -> Any:
        """``call`` from an event loop, which it does not block, on the loop's own connection
        (one command at a time: the journal's round trips are batched, ``batching``, and the
        webhook lease's are rare): redis-py's ``Connection`` used directly, without a client's
        pool and retry wrappers, which cost a third of a round trip."""
        on_loop = self._on_loop()
        async with on_loop.lock:
            connection = on_loop.connection
            try:
                return await _evalsha(connection, self.script(source).sha, source, keys, args)
            except BaseException as exc:
                if not isinstance(exc, self.response_error):  # else the reply was read whole
                    with contextlib.suppress(Exception):
                        await connection.disconnect()  # the next command connects anew
                if isinstance(exc, self.errors):
                    raise self.lost(exc) from None
                raise

    async def aclose(self) -> None:
        """Close the running loop's connections (its server is stopping)."""
        found = self._loops.pop(asyncio.get_running_loop(), None)
        if found is not None:
            await found.connection.disconnect()

    def call(self, source: str, keys: list[str], args: list[Any]) -> Any:
        script = self.script(source)
        return self.run(lambda _client: script(keys=keys, args=args))


async def _evalsha(connection: Any, sha: str, source: str, keys: list[str], args: list[Any]) -> Any:
    from redis.exceptions import NoScriptError

    count = len(keys)
    await connection.send_packed_command(_pack(("EVALSHA", sha, count, *keys, *args)), False)
    try:
        return await connection.read_response()
    except NoScriptError:  # a Redis that restarted, or another one: EVAL loads it again
        await connection.send_packed_command(_pack(("EVAL", source, count, *keys, *args)), False)
        return await connection.read_response()


def _pack(command: tuple[Any, ...]) -> bytes:
    # hiredis's packer, which the redis extra installs: a sixth of redis-py's Python one's cost.
    import hiredis

    packed: bytes = hiredis.pack_command(command)
    return packed


class _LoopConnection:
    """A loop's connection to the store (an asyncio connection belongs to the loop that opened
    it), connected on its first command."""

    def __init__(self, url: str) -> None:
        import redis.asyncio

        pool: Any = redis.asyncio.ConnectionPool.from_url(url, **_OPTIONS)
        self.connection: Any = pool.make_connection()
        self.lock = asyncio.Lock()


_OPTIONS: dict[str, Any] = {
    "socket_timeout": TIMEOUT,
    "socket_connect_timeout": TIMEOUT,
    "health_check_interval": 0,
    "retry_on_timeout": False,
}

_links: dict[str, Link] = {}
_links_lock = threading.Lock()


def link_for(url: str) -> Link:
    """The process's link to ``url`` (one connection pool, shared by every session)."""
    with _links_lock:
        found = _links.get(url)
        if found is None:
            found = _links[url] = Link(url)
        return found
