import os
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# The CLI runs as a subprocess in some tests: make it use this checkout and no user config.
os.environ.pop("SOZWATCH_DB", None)
os.environ.pop("SOZWATCH_MODELS_DIR", None)
# The real-text development set's texts exist only where someone rebuilt them: tests that want
# one make their own, so that no result depends on local files.
os.environ["SOZWATCH_REALDEV"] = ""


def sozwatch_cmd() -> list[str]:
    return [sys.executable, "-m", "sozwatch.cli"]


@pytest.fixture
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "queue.db"


@pytest.fixture
def server(db_path):
    """The review app on a free port over a seeded database: (base URL, Store)."""
    from .browser.support import live_server, seed
    store = seed(db_path)
    with live_server(db_path) as base:
        yield base, store
