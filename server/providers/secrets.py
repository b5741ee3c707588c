"""Provider keys, kept out of the database: a reference to a secrets file only its owner reads, or to a variable.

A stored provider names its key by reference (``key_ref``), never by value, so the database, its
backups and dumps, the logs and the cockpit never hold a key:

    secret:NAME    the entry NAME of the instance's secrets file
    env:VARIABLE   the process's environment variable VARIABLE (a service manager may set it)

The secrets file is JSON (``{"NAME": "key"}``) with mode 0600, written atomically. Where it is:
``PILOTHOUSE_SECRETS_FILE``, else beside a SQLite database (``<database>.secrets.json``, like its
``.serve.lock``: every process of the instance finds it from the database it opens), else (a
PostgreSQL instance) ``secrets.json`` in the user's configuration directory. A file that others
may read is refused, the way ssh refuses such a key, with the command that fixes it.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs

from server import settings
from server.errors import ConfigError

ENV_VARIABLE = "PILOTHOUSE_SECRETS_FILE"


def secrets_file(store: Any, env: Mapping[str, str] | None = None) -> Path:
    """The secrets file of the instance on ``store`` (a SQLite store has a ``path``; PostgreSQL has none)."""
    env = settings.environment() if env is None else env
    if env.get(ENV_VARIABLE):
        return Path(env[ENV_VARIABLE]).expanduser()
    path = getattr(store, "path", None)
    if isinstance(path, str) and path and path != ":memory:":
        return Path(f"{path}.secrets.json")
    return Path(platformdirs.user_config_dir("pilothouse")) / "secrets.json"


def read_all(path: Path) -> dict[str, str]:
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"the secrets file {path} can be read by other users; make it yours alone: chmod 600 {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError) as exc:
        raise ConfigError(f"the secrets file {path} cannot be read ({exc}); fix or remove it, then set the keys "
                          "again with `pilothouse providers set NAME --key-stdin`") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"the secrets file {path} must hold one JSON object of names and keys")
    return {str(k): str(v) for k, v in data.items()}


def write(path: Path, name: str, value: str | None) -> None:
    """Set (or with None, remove) one entry; the file is replaced whole, created with mode 0600."""
    entries = read_all(path)
    if value is None:
        entries.pop(name, None)
    else:
        entries[name] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(entries, out, indent=2)
    os.chmod(tmp, 0o600)  # O_CREAT's mode does not apply to a file left over from a crash
    tmp.replace(path)


def resolve(ref: str, env: Mapping[str, str], path: Path) -> tuple[str | None, str]:
    """(the key, "") or (None, why it is missing, said so a person can fix it)."""
    kind, _, name = ref.partition(":")
    if kind == "env":
        value = env.get(name)
        return (value, "") if value else (None, f"its key variable {name} is not set in this process")
    if kind == "secret":
        value = read_all(path).get(name)
        return (value, "") if value else (None, f"no key {name!r} in {path}; set it with `pilothouse providers set "
                                                f"{name} --key-stdin`")
    return None, f"unknown key reference {ref!r} (use secret:NAME or env:VARIABLE)"
