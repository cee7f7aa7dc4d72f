"""``jobmock serve --workers N``: N uvicorn worker processes on one listening socket.

Each worker builds its own app from the same settings and adopts the state the shared store
holds, so any worker answers any request as the others would; uvicorn's supervisor restarts a
worker that dies.
"""

from __future__ import annotations

import json
import os
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobmock.main import JobmockApp
    from jobmock.settings import Settings

#: How the supervisor hands the settings to the workers it spawns.
SETTINGS_ENV = "JOBMOCK_WORKER_SETTINGS"


def worker_app() -> JobmockApp:
    """The app factory each worker process calls."""
    from jobmock.cli.serving import request_printer
    from jobmock.main import create_app
    from jobmock.settings import Settings

    settings = Settings(**json.loads(os.environ[SETTINGS_ENV]))
    app = create_app(settings)
    app.on_request(request_printer(settings.log_level))
    return app


def run_workers(settings: Settings, sock: socket.socket) -> None:
    from uvicorn.supervisors import Multiprocess

    from jobmock.testing.server import uvicorn_config

    os.environ[SETTINGS_ENV] = settings.model_dump_json(exclude_unset=True)
    config = uvicorn_config(
        f"{__name__}:worker_app",
        factory=True,
        workers=settings.workers,
        log_level=settings.log_level,
        access_log=False,
    )
    Multiprocess(config, sockets=[sock]).run()
