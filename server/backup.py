"""``pilothouse backup FILE`` and ``pilothouse restore FILE``: SQLite's online backup API.

A backup copies every page of the database as of one moment (the source is read in one step,
inside one read transaction), so the copy is consistent even while a server writes: WAL lets
the server go on writing meanwhile. The copy is checked (``PRAGMA integrity_check``) before it
is reported. Restore checks the file first (a SQLite database that passes the check and has
Pilothouse's schema), refuses while any process works the database (``serve``, ``worker``, any
command: server/instance_lock.py), and writes it over the database through the same API, so the WAL
and its index stay coherent. Before it does, the messages and webhook deliveries the replaced
database sent since the backup (the backup still has them queued) are marked sent in the copy, by
their identity: a restore never sends them again, and anything else it sends carries the same
Message-ID or webhook-id it had before, so a receiver can recognise it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from server.errors import PilothouseError
from server.instance_lock import Busy, alone
from server.store import Store


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


@dataclass(frozen=True, slots=True)
class Restored:
    copied: Copied
    messages: int  # sent since the backup (by the database it replaced): marked sent, never sent again
    deliveries: int  # webhook deliveries likewise
    note: str = ""  # why nothing could be carried over, if so


async def restore(backup_file: str | Path, db_path: str | Path) -> Restored:
    """Put ``backup_file`` in place of ``db_path``, refused while any process works it. What the replaced
    database sent since the backup (messages, webhook deliveries: matched by their identity) is marked
    sent in the restored one, so a restore never sends anything a second time."""
    source, target = Path(backup_file), Path(db_path)
    version = _checked_backup(source)
    try:
        with alone(target):
            return await _restore(source, target, version)
    except Busy as exc:
        raise BackupError(str(exc)) from exc


def _checked_backup(source: Path) -> int:
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        return _check(src, str(source))
    finally:
        src.close()


async def _restore(source: Path, target: Path, version: int) -> Restored:
    staged = target.with_name(target.name + ".restoring")  # the backup, reconciled, before it replaces anything
    try:
        _copy(source, staged)
        live = _exists(target)
        messages, deliveries, note = await _carry_over(target, staged) if live else (0, 0, "")
        _copy(staged, target)
    except sqlite3.Error as exc:
        raise BackupError(f"restore into {target} failed: {exc}") from exc
    finally:
        _remove(staged)
    return Restored(_copied(target, version), messages, deliveries, note)


def _copied(target: Path, version: int) -> Copied:
    return Copied(target, target.stat().st_size, version)


def _remove(staged: Path) -> None:
    for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
        leftover.unlink(missing_ok=True)


def _exists(path: Path) -> bool:
    return path.exists()


def _copy(source: Path, target: Path) -> None:
    """``source`` written over ``target`` through the backup API: the WAL and its index stay coherent."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


async def _carry_over(live_path: Path, staged_path: Path) -> tuple[int, int, str]:
    """Mark sent in the staged copy what the live database sent since the backup: (messages, deliveries, note)."""
    from modules.webhooks import claims
    from skills import outbox

    live, staged = await Store.open(live_path), await Store.open(staged_path)
    try:
        sent = await outbox.sent_among(live, await outbox.unsent(staged))
        delivered: dict[str, str] = {}
        if await _has(live, "webhooks_deliveries") and await _has(staged, "webhooks_deliveries"):
            delivered = await claims.delivered_among(live, await claims.undelivered(staged))
        async with staged.transaction() as tx:
            messages = await outbox.mark_sent_elsewhere(tx, sent)
            deliveries = await claims.mark_delivered_elsewhere(tx, delivered)
        return messages, deliveries, ""
    except Exception as exc:  # the database being replaced may be the damaged one: restore it anyway, and say so
        return 0, 0, (f"what was sent since the backup could not be read from the database it replaces ({exc}); "
                      "messages still queued in the backup go out again, with their same Message-ID / webhook-id")
    finally:
        await staged.close()
        await live.close()


async def _has(store: Store, table: str) -> bool:
    """Whether the webhooks module's deliveries table exists (the module was enabled once)."""
    return (table, "event_id") in await store.references_to("events")
