"""Which processes work a database: an OS lock on ``<database>.serve.lock``.

Every process that opens the database (``serve``, ``worker``, ``call``, ``heartbeat``...) holds a
shared lock on it for as long as it has it open (server/app.py); ``pilothouse restore`` takes the
lock exclusively, so it is refused while any of them runs (its connections would keep writing to
the old pages, and a worker would deliver from a database about to be replaced), and a process
that starts during a restore is refused until it is done. An advisory ``flock`` is released by the
OS however the holder ends, so a crashed process never leaves a stale lock behind. Where ``fcntl``
does not exist (Windows), nothing is locked and restore cannot tell.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server.db_location import is_postgres_url
from server.errors import ConfigError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class Busy(ConfigError):
    """Another process has the database: a restore cannot start, or a restore is under way."""


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.serve.lock")


def _lockable(db_path: str | Path) -> bool:
    return str(db_path) != ":memory:" and not is_postgres_url(str(db_path)) and fcntl is not None


@contextmanager
def _locked(db_path: str | Path, mode: int, refusal: str) -> Iterator[None]:
    try:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only or full disk: opening the database says so, in its own words
        yield
        return
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except OSError:
            raise Busy(refusal) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def hold(db_path: str | Path) -> Iterator[None]:
    """This process works ``db_path`` while the block runs (shared: any number of processes may). A no-op
    for ``:memory:`` and a PostgreSQL URL (restore is SQLite's; PostgreSQL guards its own files)."""
    if not _lockable(db_path):
        yield
        return
    with _locked(db_path, fcntl.LOCK_SH, f"a restore is replacing {db_path} right now; start again when "
                                         "`pilothouse restore` has finished"):
        yield


@contextmanager
def alone(db_path: str | Path) -> Iterator[None]:
    """No other process works ``db_path`` while the block runs (restore), or Busy saying so."""
    if not _lockable(db_path):
        yield
        return
    with _locked(db_path, fcntl.LOCK_EX, f"a Pilothouse process is using {db_path} (serve, worker or another "
                                         "command); stop it (Ctrl-C or SIGTERM, `systemctl --user stop "
                                         "pilothouse-worker`), then restore"):
        yield


def served(db_path: str | Path) -> bool:
    """Whether any process works ``db_path`` right now."""
    try:
        with alone(db_path):
            return False
    except Busy:
        return True
