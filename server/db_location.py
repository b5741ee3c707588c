"""Where an instance's database is: ``--db`` / ``PILOTHOUSE_DB``, a SQLite file or a PostgreSQL URL.

A leaf (no imports of the stores): the CLI, the serve lock and the composition root ask this
before either store's driver is loaded.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from server import settings


def is_postgres_url(target: object) -> bool:
    """Whether ``--db`` / ``PILOTHOUSE_DB`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def default_db_path() -> Path | str:
    """``PILOTHOUSE_DB`` (a file, or a ``postgresql://`` URL) or the user's data directory (XDG on Linux)."""
    env = settings.load().db
    if env:
        return env if is_postgres_url(env) else Path(env).expanduser()
    return Path(platformdirs.user_data_dir("pilothouse")) / "pilothouse.db"
