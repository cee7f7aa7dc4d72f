"""``MockServer``: a jobmock on a real port, served by uvicorn in a background thread.

For clients that cannot take an httpx transport (``requests``, aiohttp, another process), and
for unittest or scripts::

    with MockServer() as server:
        client = MyClient(base_url=server.base_url("nunu"), api_key="nunu_test_key")
        server.handle.advance("5m")

The listening socket is bound before the thread starts (port 0 by default), so there is no race
between picking a free port and using it.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from jobmock.testing.handle import InProcessHandle

if TYPE_CHECKING:
    import uvicorn

    from jobmock.main import JobmockApp
    from jobmock.settings import Settings


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket. IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets
    that say so, and without it Nagle's algorithm adds ~40 ms to every response."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: JobmockApp | str, **options: Any) -> uvicorn.Config:
    """uvicorn as jobmock runs it: with the app's lifespan (it delivers webhooks on a running
    clock); no ``server: uvicorn`` header, which none of the emulated vendors sends; and no
    ``date`` header of uvicorn's, as the app sends its own from the mock clock; and each
    response's head and body sent in one write (``jobmock.one_write``)."""
    import uvicorn

    from jobmock.one_write import OneWriteHttpTools

    options.setdefault("http", OneWriteHttpTools)
    return uvicorn.Config(app, lifespan="on", server_header=False, date_header=False, **options)


class MockServer:
    """A jobmock app served on ``host:port`` (port 0: the kernel picks) from a daemon thread.

    ``settings`` defaults to a manual clock; ``**overrides`` are Settings fields
    (``fixtures=``, ``seed=``, ``start_time=``, ``vendors=``...).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        app: JobmockApp | None = None,
        startup_timeout: float = 10.0,
        **overrides: Any,
    ) -> None:
        if app is None:
            from jobmock.main import create_app
            from jobmock.settings import Settings

            if settings is None:
                settings = Settings(**{"clock": "manual", **overrides})
            elif overrides:
                settings = Settings(**{**settings.model_dump(exclude_unset=True), **overrides})
            app = create_app(settings)
        self.app = app
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._handle: InProcessHandle | None = None
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running: call start() or use 'with'")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def handle(self) -> InProcessHandle:
        """The control handle (in-process: same state as the server, no HTTP round trip)."""
        if self._handle is None:
            self._handle = InProcessHandle(self.app, url=self.url)
        return self._handle

    def base_url(self, vendor: str) -> str:
        return self.app.runtime.base_url(self.url, vendor)

    @property
    def crashes(self) -> list[BaseException]:
        return self.app.runtime.crashes

    def check(self) -> None:
        """Re-raise the first exception raised inside the mock while serving (then forget them)."""
        crashes = list(self.crashes)
        self.crashes.clear()
        if crashes:
            raise crashes[0]

    def start(self) -> MockServer:
        import uvicorn

        sock = self._sock = bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn_config(self.app, log_level="warning", log_config=None, access_log=False)
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"jobmock-{self.port}", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"jobmock did not start on {self.host}:{self.port}")
            time.sleep(0.001)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
