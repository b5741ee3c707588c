"""Where an instance's database is: ``--db`` / ``PILOTHOUSE_DB``, a SQLite file or a PostgreSQL URL.

A leaf (no imports of the stores): the CLI, the serve lock and the composition root ask this
before either store's driver is loaded.

Anything with ``://`` is a URL, and the only URLs served are PostgreSQL's: ``postgresl://...``
(a typo) or ``sqlite:///x.db`` is refused with what to write instead, never opened as a SQLite
file named after the URL (which would start an empty instance and report it healthy).
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from server import settings
from server.errors import ConfigError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: object) -> bool:
    """Whether ``--db`` / ``PILOTHOUSE_DB`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def checked(target: str | Path, *, source: str = "--db") -> str | Path:
    """``target`` as given, or ConfigError when it is a URL of anything but PostgreSQL."""
    text = str(target)
    if isinstance(target, str) and "://" in text and not is_postgres_url(text):
        scheme = text.split("://", 1)[0]
        raise ConfigError(f"{source} {text!r}: '{scheme}://' is not a database Pilothouse opens; give a file path "
                          "for SQLite (e.g. ~/pilothouse.db) or a postgresql:// URL (e.g. "
                          "postgresql://user@host/dbname)")
    return target


def default_db_path() -> Path | str:
    """``PILOTHOUSE_DB`` (a file, or a ``postgresql://`` URL) or the user's data directory (XDG on Linux)."""
    env = settings.load().db
    if env:
        checked(env, source="PILOTHOUSE_DB")
        return env if is_postgres_url(env) else Path(env).expanduser()
    return Path(platformdirs.user_data_dir("pilothouse")) / "pilothouse.db"
