"""A throw-away PostgreSQL cluster on a free loopback port, for tests, CI and benchmarks.

PostgreSQL refuses to run as root, so when we are root the cluster is created and started as the
``postgres`` user (``runuser``), in a directory that user owns. ``--locale=C`` makes text order
byte order, as in SQLite: timestamps are ISO-8601 text compared as strings.

    python -m server.testing.pg_cluster start DIR   # prints the DSN of database "postgres"
    python -m server.testing.pg_cluster stop DIR
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from server.testing.receivers import free_port


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")
    return found


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class Cluster:
    directory: Path
    port: int

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def dsn_for(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"]),
                       check=False, capture_output=True)


def create_database(admin_dsn: str, name: str, *, template: str | None = None) -> str:
    """A new database ``name`` (from ``template`` if given); returns its URL."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return admin_dsn.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_dsn: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(directory: Path | None = None, *, max_connections: int = 300) -> Cluster:
    """initdb (trust auth on loopback only) and start; returns when the server accepts connections."""
    base = Path(directory or tempfile.mkdtemp(prefix="pilothouse-pg-"))
    base.mkdir(parents=True, exist_ok=True)
    base.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", free_port()
    subprocess.run(_as_owner([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                              "--locale=C"]), check=True, capture_output=True)
    # Tests and benchmarks want speed, not durability: the cluster is thrown away.
    options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
               f" -c full_page_writes=off -c max_connections={max_connections}")
    subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-o", options,
                              "-w", "start"]), check=True, capture_output=True)
    return Cluster(base, port)


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "start":
        print(start(Path(argv[1])).dsn)
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        Cluster(Path(argv[1]), 0).stop()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
