"""What SQLite's errors mean to a caller: a full disk, input the database refused, a start-up that
cannot work. The store raises the driver's errors; these turn them into something a person can act on.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from server.errors import MigrationError, StorageError

# SQLite's own refusals of a value it was handed: what the caller sent, not a fault of the code.
_INPUT_LIMITS = ("too complex", "too big", "too many sql variables")


@contextmanager
def starting(path: str | Path) -> Iterator[None]:
    """Start-up steps on the database: a failure SQLite or the OS reports becomes one StorageError line
    that says what to do (a full disk, a read-only file), not a traceback."""
    try:
        yield
    except (sqlite3.Error, OSError, MigrationError) as failure:
        exc = failure.__cause__ if isinstance(failure, MigrationError) and failure.__cause__ else failure
        primary = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # extended codes keep it in the low byte
        if disk_full(exc) or getattr(exc, "errno", None) == errno.ENOSPC:
            why = "the disk holding it is full; free some space and start again"
        elif primary == sqlite3.SQLITE_IOERR:
            why = "the disk refused a write (is it full, read-only or failing?); free some space or fix it and retry"
        elif primary == sqlite3.SQLITE_READONLY or isinstance(exc, PermissionError):
            why = "the file or its folder is read-only; fix the permissions or pass another --db"
        elif primary == sqlite3.SQLITE_NOTADB:
            why = "it is not a SQLite database; pass another --db"
        else:
            why = "check the file and the disk it is on"
        raise StorageError(f"cannot open the database {path}: {failure}: {why}") from exc


def disk_full(exc: BaseException) -> bool:
    """Whether SQLite refused a write because the disk (or the database's size limit) is full."""
    return isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc))


def input_refusal(exc: BaseException) -> str | None:
    """What was wrong with the input when the database (or arithmetic on it) refused it (None: not
    the input's fault). A handler that passes a 2**63 id, a 60,000-character LIKE pattern or a key
    that breaks a constraint straight to SQL is careless, but the call failed because of its input.
    """
    if isinstance(exc, OverflowError):  # an id past 64 bits, a quantity of 1e308 times a price...
        return f"a number is too large to store or compute with ({exc}); send a smaller one"
    if isinstance(exc, sqlite3.IntegrityError):
        return f"the change conflicts with existing data ({exc}); check the ids and unique values sent"
    if isinstance(exc, sqlite3.DataError) or (
            isinstance(exc, sqlite3.OperationalError) and any(m in str(exc).lower() for m in _INPUT_LIMITS)):
        return f"the input is too large for the database ({exc}); send shorter text or fewer values"
    return None


class SkipWhenFull:
    """``with SkipWhenFull() as disk:`` runs the block; a full disk ends it quietly, and ``disk.note``
    says so. For a write that may be skipped: on a full disk a read still answers, and a failure
    still says why, without their activity row (a transactional write still fails whole: its effect
    never commits without its row)."""

    full = False

    @property
    def note(self) -> str:
        return "note: the disk holding the database is full, so this call's activity row could not be written" \
            if self.full else ""

    def __enter__(self) -> SkipWhenFull:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> bool:
        self.full = exc is not None and disk_full(exc)
        return self.full
