"""Which process serves a database: an OS lock on ``<database>.serve.lock``, held by ``serve``.

``pilothouse restore`` must not swap the file under a running server (its connections would keep
writing to the old pages). An advisory ``flock`` is released by the OS however the holder ends,
so a crashed server never leaves a stale lock behind. Other commands (``call``, ``backup``) do not
take it: they work beside a server, as SQLite allows. Where ``fcntl`` does not exist (Windows),
nothing is locked and restore cannot tell.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server.db_location import is_postgres_url

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.serve.lock")


@contextmanager
def hold(db_path: str | Path) -> Iterator[None]:
    """Hold the serve lock of ``db_path`` while the block runs (no-op for ``:memory:`` and for a
    PostgreSQL URL: restore is SQLite's, and PostgreSQL guards its own files)."""
    if str(db_path) == ":memory:" or is_postgres_url(str(db_path)) or fcntl is None:
        yield
        return
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # another server on the same file: allowed (the leases keep them apart); restore refuses
        yield
    finally:
        os.close(fd)


def served(db_path: str | Path) -> bool:
    """Whether a ``serve`` process holds ``db_path`` right now."""
    path = lock_path(db_path)
    if fcntl is None or not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
