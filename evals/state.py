"""The database of an attempt as plain rows, read after the instance closed.

The checks and invariants judge files, not a live instance: before the run (after setup)
and after it, each table is read whole with the standard library's sqlite3, read-only. The
suite's databases are small (the demo data plus a task's rows), so a full read is cheap and
leaves nothing to query twice.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class State:
    tables: dict[str, list[Row]]

    def rows(self, table: str) -> list[Row]:
        if table not in self.tables:
            raise KeyError(f"no table {table!r}; tables: {', '.join(sorted(self.tables))}")
        return self.tables[table]

    def added(self, table: str, before: State) -> list[Row]:
        """Rows of ``table`` that were not there in ``before`` (by id, else by content)."""
        rows = self.rows(table)
        if rows and "id" in rows[0]:
            ids = {r["id"] for r in before.tables.get(table, [])}
            return [r for r in rows if r["id"] not in ids]
        old = {_key(r) for r in before.tables.get(table, [])}
        return [r for r in rows if _key(r) not in old]

    def changed(self, table: str, before: State) -> int:
        """How many rows of ``table`` were added, removed or edited since ``before``."""
        old, new = {_key(r) for r in before.tables.get(table, [])}, {_key(r) for r in self.tables.get(table, [])}
        return len(old ^ new)

    def setting(self, module: str, key: str) -> Any:
        row = next((r for r in self.tables.get("modules", []) if r["id"] == module), None)
        return json.loads(row["settings"] or "{}").get(key) if row else None


def read(path: Path) -> State:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return State({name: [dict(r) for r in conn.execute(f'SELECT * FROM "{name}"')] for name in names})
    finally:
        conn.close()


def _key(row: Row) -> str:
    return json.dumps(row, sort_keys=True, default=str)
