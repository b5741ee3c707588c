"""``pilothouse backup FILE`` and ``pilothouse restore FILE``: SQLite's online backup API.

A backup copies every page of the database as of one moment (the source is read in one step,
inside one read transaction), so the copy is consistent even while a server writes: WAL lets
the server go on writing meanwhile. The copy is checked (``PRAGMA integrity_check``) before it
is reported. Restore checks the file first (a SQLite database that passes the check and has
Pilothouse's schema), refuses while a ``serve`` holds the database (server/instance_lock.py), and
writes it over the database through the same API, so the WAL and its index stay coherent.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from server.errors import PilothouseError
from server.instance_lock import served


class BackupError(PilothouseError):
    pass


@dataclass(frozen=True, slots=True)
class Copied:
    path: Path
    bytes: int
    schema_version: int


def _check(conn: sqlite3.Connection, what: str) -> int:
    """The file's core schema version, after checking it is a sound Pilothouse database."""
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        version = conn.execute("SELECT MAX(version) FROM schema_migrations WHERE scope = 'core'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{what} is not a Pilothouse database ({exc})") from exc
    if verdict != "ok":
        raise BackupError(f"{what} is damaged (integrity check: {verdict})")
    return int(version or 0)


def backup(db_path: str | Path, dest: str | Path, *, overwrite: bool = False) -> Copied:
    source, target = Path(db_path), Path(dest)
    if not source.exists():
        raise BackupError(f"no database at {source}; pass --db or set PILOTHOUSE_DB")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists; choose another file or pass --force")
    if target.resolve() == source.resolve():
        raise BackupError("the backup file is the database itself; choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")  # never a half-written file under the real name
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: all of them in one step, so one consistent snapshot
            dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            version = _check(dst, str(target))
        finally:
            dst.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {source} failed: {exc}") from exc
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    partial.replace(target)
    return Copied(target, target.stat().st_size, version)


def restore(backup_file: str | Path, db_path: str | Path) -> Copied:
    source, target = Path(backup_file), Path(db_path)
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    if served(target):
        raise BackupError(f"a Pilothouse server is running on {target}; stop it (Ctrl-C or SIGTERM), then restore")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        version = _check(src, str(source))
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restore into {target} failed: {exc}") from exc
    finally:
        src.close()
    return Copied(target, target.stat().st_size, version)
