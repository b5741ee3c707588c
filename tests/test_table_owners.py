"""ARCHITECTURE.md's owner table is true: every core table is written only by the file(s) it names.

A write is an ``INSERT INTO`` / ``UPDATE`` / ``DELETE FROM`` / ``REPLACE INTO`` on a table created by
the core schema (server/schema.py, server/schema_continued.py), in a string of the source
(docstrings and comments do not count).
A module writes core tables through the context's typed APIs (``ctx.emit``, ``ctx.write_memory``...),
never with its own SQL.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGES = ("skills", "modules", "server", "pilothouse", "prompts")
WRITE = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+([a-z_]+)\b")
CREATED = re.compile(r"CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)")
# Written from more than its owner today, each for a reason: (table, file) -> why.
PENDING: dict[tuple[str, str], str] = {}
SCHEMA = ("server/schema.py", "server/schema_continued.py")  # the core migrations


def core_tables() -> set[str]:
    return {t for f in SCHEMA for t in CREATED.findall((ROOT / f).read_text())}


def owners() -> dict[str, set[str]]:
    """table -> the files ARCHITECTURE.md's "Who owns which table" names for it."""
    text = (ROOT / "ARCHITECTURE.md").read_text()
    section = text.split("## Who owns which table", 1)[1].split("\n## ", 1)[0]
    found: dict[str, set[str]] = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("tables", "---"):
            continue
        names = [n.strip() for n in cells[0].split("(")[0].split(",")]
        if not all(re.fullmatch(r"[a-z_]+(\.[a-z_]+)?", n) for n in names):
            continue  # "a module's own tables": not a core table
        tables = {n.split(".")[0] for n in names}
        files = set(re.findall(r"`([a-z_/]+\.py)`", cells[1]))
        for table in tables:
            found.setdefault(table, set()).update(files)
    return found


def writes() -> list[tuple[str, str, int]]:
    """(table, file, line) of every write statement in a source string."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative in SCHEMA:  # the migrations create the tables
                continue
            tree = ast.parse(path.read_text())
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                          and node.body and isinstance(node.body[0], ast.Expr)
                          and isinstance(node.body[0].value, ast.Constant)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                    found += [(table, relative, node.lineno) for table in WRITE.findall(node.value)]
    return found


def test_the_owner_table_names_every_core_table() -> None:
    tables, named = core_tables(), owners()
    views = {t for t in tables if t.endswith("_v")}
    assert tables - views - set(named) == set(), "core tables ARCHITECTURE.md names no owner for"
    for table, files in named.items():
        assert files, f"{table}: the owner table names no file"
        assert all((ROOT / f).exists() for f in files), f"{table}: {files} do not all exist"


def test_core_tables_are_written_only_by_their_owners() -> None:
    tables, named = core_tables(), owners()
    stray = [f"{file}:{line} writes {table} (owner: {', '.join(sorted(named.get(table, ())) or ['none'])})"
             for table, file, line in writes()
             if table in tables and file not in named.get(table, set()) and (table, file) not in PENDING]
    assert not stray, ("a core table written outside its owner (ARCHITECTURE.md); call the owner's function, or "
                       "from a module the context's API:\n" + "\n".join(stray))


def test_the_pending_exceptions_are_still_needed() -> None:
    written = {(table, file) for table, file, _ in writes()}
    done = sorted(f"{file} no longer writes {table}: remove it from PENDING" for table, file in PENDING
                  if (table, file) not in written)
    assert not done, "\n".join(done)


def test_the_scan_sees_a_write_and_skips_prose() -> None:
    assert WRITE.findall("INSERT INTO events (name) VALUES (?)") == ["events"]
    assert WRITE.findall("UPDATE automations SET enabled = 0") == ["automations"]
    assert WRITE.findall("INSERT OR IGNORE INTO memory (key) VALUES (?)") == ["memory"]
    assert WRITE.findall("DELETE FROM activity WHERE ts < ?") == ["activity"]
