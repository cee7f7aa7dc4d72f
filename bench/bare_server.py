"""The bare app on the HTTP server exactly as ``jobmock serve`` runs it (its socket, its
uvicorn configuration), so a ratio to it measures jobmock's own work and nothing of the server.

    python bench/bare_server.py PORT
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from bare_app import app

from jobmock.testing.server import bind, uvicorn_config


def main() -> None:
    sock = bind("127.0.0.1", int(sys.argv[1]))
    bare: Any = app  # any ASGI callable: the configuration is what is shared
    config = uvicorn_config(bare, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
