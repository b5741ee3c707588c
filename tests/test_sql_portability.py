"""SQL stays in a portable subset: no new SQLite-only construct lands unnoticed.

Every string constant in server/, modules/ and skills/ (docstrings aside) is scanned for constructs
that SQLite accepts and PostgreSQL rejects or reads differently; Python-side SQLite reliance
(``executescript``, importing the SQLite driver) is counted too; ``INTEGER PRIMARY KEY`` and
``lastrowid`` are not, since the dialect layer maps them everywhere (identity columns, ``RETURNING id``).
Each occurrence must be in ``ALLOWED``,
keyed by file and construct with a count (never a line number, so edits elsewhere in a file do not
matter). What each construct needs on PostgreSQL, and the portable way to write it, is in
docs/sql-portability.md.

When this fails: prefer the portable form. If the construct is really needed, add it to the doc's
table and paste the dict the failure prints over ``ALLOWED`` (``python -m tests.test_sql_portability``
prints it too).
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("server", "modules", "skills")
DOC = "docs/sql-portability.md"

Detector = Callable[[str], list[str]]


def _regex(construct: str, pattern: str, flags: int = 0) -> Detector:
    compiled = re.compile(pattern, flags)

    def detect(sql: str) -> list[str]:
        return [construct] * len(compiled.findall(sql))

    return detect


def _named(pattern: str, fmt: str, flags: int = re.IGNORECASE) -> Detector:
    """One construct per distinct name: ``json_each()`` and ``json_set()``, ``INSERT OR IGNORE``..."""
    compiled = re.compile(pattern, flags)

    def detect(sql: str) -> list[str]:
        return [fmt.format(m.group(1).lower() if flags & re.IGNORECASE else m.group(1))
                for m in compiled.finditer(sql)]

    return detect


_LITERAL = re.compile(r"'(?:[^']|'')*'")


def _flat(sql: str) -> str:
    """``sql`` with string literals emptied and nested parentheses collapsed to ``()``."""
    flat = _LITERAL.sub("''", sql)
    while True:
        collapsed = re.sub(r"\([^()]*\)", "()", flat)
        if collapsed == flat:
            return flat
        flat = collapsed


def _call_args(sql: str, function: str) -> Iterator[list[str]]:
    """The top-level arguments of each call of ``function`` in ``sql``."""
    text = _LITERAL.sub(lambda m: "'" + "_" * (len(m.group()) - 2) + "'", sql)  # keeps offsets, hides commas
    for match in re.finditer(rf"(?<![\w.]){function}\s*\(", text, re.IGNORECASE):
        depth, start, args = 1, match.end(), []
        for i in range(match.end(), len(text)):
            char = text[i]
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    args.append(text[start:i])
                    yield args
                    break
            elif char == "," and depth == 1:
                args.append(text[start:i])
                start = i + 1


def _scalar_min_max(sql: str) -> list[str]:
    return [f"scalar {name.upper()}(a, b)" for name in ("min", "max") for args in _call_args(sql, name)
            if len(args) > 1]


def _round_digits(sql: str) -> list[str]:
    return ["ROUND(x, digits)" for args in _call_args(sql, "round") if len(args) > 1]


_COMPARISON = re.compile(r"!=|<>|<=|>=|=|<|>|\b(?:IN|LIKE|IS|BETWEEN)\b", re.IGNORECASE)


def _sum_of_boolean(sql: str) -> list[str]:
    found = []
    for args in _call_args(sql, "sum"):
        flat = _flat(args[0]).strip()
        if _COMPARISON.search(flat) and not flat.upper().startswith("CASE"):
            found.append("SUM(boolean)")
    return found


_IS_OPERAND = re.compile(r"\bIS\s+(?:NOT\s+)?(\w+|\S)")


def _is_value(sql: str) -> list[str]:
    return ["IS <value>" for operand in _IS_OPERAND.findall(sql)
            if operand.upper() not in {"NULL", "TRUE", "FALSE", "DISTINCT", "UNKNOWN"}]


_CLAUSE_END = re.compile(r"\b(?:ORDER\s+BY|LIMIT|WINDOW|UNION|EXCEPT|INTERSECT)\b|\)|$", re.IGNORECASE)


def _alias_in_having(sql: str) -> list[str]:
    found = []
    aliases = {a.lower() for a in re.findall(r"\bAS\s+(\w+)", sql, re.IGNORECASE)}
    for match in re.finditer(r"\bHAVING\b", sql, re.IGNORECASE):
        end = _CLAUSE_END.search(sql, match.end())
        clause = sql[match.end(): end.start() if end else len(sql)]
        words = {w.lower() for w in re.findall(r"(?<![\w.])([A-Za-z_]\w*)(?![\w.(])", clause)}
        if words & aliases:
            found.append("output alias in HAVING")
    return found


def _unaliased_derived_table(sql: str) -> list[str]:
    """``FROM (SELECT ...)`` with no alias, or a constant that is such a subquery (spliced after FROM):
    PostgreSQL before 16 requires the alias."""
    found = []
    text = _LITERAL.sub("''", sql)
    starts = [m.end() - 1 for m in re.finditer(r"\bFROM\s*\((?=\s*SELECT\b)", text, re.IGNORECASE)]
    if re.match(r"\s*\(\s*SELECT\b", text, re.IGNORECASE):
        starts.append(text.index("("))
    for start in starts:
        depth = 0
        for i in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                if not re.match(r"\s*(?:AS\s+)?(?!WHERE\b|ORDER\b|GROUP\b|LIMIT\b|JOIN\b)[A-Za-z_]", text[i + 1:],
                                re.IGNORECASE):
                    found.append("derived table without alias")
                break
    return found


_SQL_WORDS = {"case", "when", "then", "else", "end", "and", "or", "not", "null", "is", "in", "true", "false",
              "like", "between", "distinct", "excluded"}


def _unqualified_in_upsert(sql: str) -> list[str]:
    """A bare column in ``ON CONFLICT DO UPDATE``'s values or WHERE: PostgreSQL calls it ambiguous
    (the target row and ``excluded`` both have it); SQLite takes the target row's."""
    match = re.search(r"\bDO\s+UPDATE\s+SET\b", sql, re.IGNORECASE)
    if match is None:
        return []
    clause = _LITERAL.sub("''", sql[match.end():])
    clause = re.split(r"\bRETURNING\b", clause, flags=re.IGNORECASE)[0]
    set_part, _, where_part = re.sub(r"\bWHERE\b", "\0", clause, count=1, flags=re.IGNORECASE).partition("\0")
    values = [a.split("=", 1)[1] for a in _top_level_split(set_part) if "=" in a]
    words = re.findall(r"(?<![\w.{])([A-Za-z_]\w*)(?![\w.(}])", " ".join([*values, where_part]))
    return ["unqualified column in DO UPDATE"] if any(w.lower() not in _SQL_WORDS for w in words) else []


def _top_level_split(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


# Each finds one SQLite-only construct in one SQL text. Keywords are matched in upper case, the
# codebase's convention, so English prose in messages does not count.
DETECTORS: tuple[Detector, ...] = (
    _regex("PRAGMA", r"\bPRAGMA\b"),
    _named(r"\bINSERT\s+OR\s+(IGNORE|REPLACE|ABORT|FAIL|ROLLBACK)\b", "INSERT OR {}", 0),
    _regex("REPLACE INTO", r"(?<!OR )\bREPLACE\s+INTO\b"),
    _named(r"\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b", "BEGIN {}", 0),
    _named(r"(?<![\w.])(datetime|julianday|strftime|unixepoch)\s*\(", "{}()"),
    _named(r"(?<![\w.])(date|time)\(", "{}()"),
    _named(r"(?<![\w.])(json_\w+|jsonb_\w+|json)\(", "{}()"),
    _regex("-> / ->> (JSON)", r"\s->>?\s*'"),
    _regex("GLOB", r"\bGLOB\b"),
    _regex("LIKE", r"\bLIKE\b"),
    _regex("COLLATE NOCASE", r"\bCOLLATE\s+NOCASE\b", re.IGNORECASE),
    _regex("AUTOINCREMENT", r"\bAUTOINCREMENT\b", re.IGNORECASE),
    _named(r"\b(sqlite_(?:master|schema|sequence|temp_master|temp_schema|stat\d))\b", "{}", re.IGNORECASE),
    _named(r"(?<![\w.])(last_insert_rowid|changes|total_changes)\s*\(", "{}()"),
    _regex("rowid", r"(?<![\w.])(?:rowid|_rowid_|oid)\b", re.IGNORECASE),
    _named(r"(?<![\w.])(ifnull|group_concat|instr|printf|total|char|unicode|hex|randomblob|zeroblob|iif|likely|"
           r"typeof)\(", "{}()"),
    _regex("LIMIT -1", r"\bLIMIT\s+-\s*1\b"),
    _regex("CAST(... AS INTEGER)", r"\bCAST\s*\([^;]*?\bAS\s+INTEGER\s*\)", re.IGNORECASE),
    _regex("CASE WHEN <integer column>", r"\bWHEN\s+(?:NOT\s+)?[A-Za-z_][\w.]*\s+THEN\b"),
    _regex("== comparison", r"[^=!<>]==[^=]"),
    _scalar_min_max,
    _round_digits,
    _sum_of_boolean,
    _is_value,
    _alias_in_having,
    _unqualified_in_upsert,
    _unaliased_derived_table,
)


def _texts(tree: ast.AST) -> Iterator[str]:
    """Every string constant of a module but docstrings; an f-string as its text with ``{}`` holes."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))
        elif isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            skip.add(id(node.format_spec))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.JoinedStr):
            yield "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)


def _python_constructs(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"executescript", "create_function"}:
            yield f".{node.attr}"
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            yield from (f"import {m}" for m in modules if m.split(".")[0] in {"sqlite3", "aiosqlite"})


def scan_file(path: Path) -> Counter[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: Counter[str] = Counter(_python_constructs(tree))
    for text in _texts(tree):
        for detect in DETECTORS:
            found.update(detect(text))
    return found


@cache
def scan(root: Path = ROOT) -> dict[str, dict[str, int]]:
    """file (relative, POSIX) -> construct -> count, for every file with at least one."""
    result: dict[str, dict[str, int]] = {}
    for package in SCANNED:
        for path in sorted((root / package).rglob("*.py")):
            if path.is_relative_to(root / "server" / "postgres"):
                continue  # the PostgreSQL backend: its SQL is PostgreSQL's by design (dialect, compat functions)
            found = scan_file(path)
            if found:
                result[path.relative_to(root).as_posix()] = dict(sorted(found.items()))
    return result


def render(found: dict[str, dict[str, int]]) -> str:
    lines = ["ALLOWED: dict[str, dict[str, int]] = {"]
    for path, constructs in sorted(found.items()):
        lines.append(f"    {json.dumps(path)}: {{")
        lines.extend(f"        {json.dumps(construct)}: {count}," for construct, count in constructs.items())
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines)


# Every SQLite-only construct still in the code: file -> construct -> count. See docs/sql-portability.md.
ALLOWED: dict[str, dict[str, int]] = {
    "modules/calendar/events.py": {
        "sqlite_master": 1,
    },
    "modules/contacts/people.py": {
        "json_each()": 2,
    },
    "modules/contacts/schema.py": {
        "AUTOINCREMENT": 1,
        "COLLATE NOCASE": 2,
    },
    "modules/crm/schema.py": {
        "COLLATE NOCASE": 2,
    },
    "modules/media/assets.py": {
        "LIKE": 6,
        "json_each()": 1,
    },
    "modules/media/schema.py": {
        "AUTOINCREMENT": 1,
    },
    "modules/newsletter/schema.py": {
        "COLLATE NOCASE": 1,
    },
    "modules/products/catalog.py": {
        "COLLATE NOCASE": 3,
    },
    "modules/products/schema.py": {
        "COLLATE NOCASE": 1,
    },
    "modules/products/stock.py": {
        "COLLATE NOCASE": 1,
    },
    "modules/purchasing/orders.py": {
        "sqlite_master": 1,
    },
    "modules/quotes/schema.py": {
        "AUTOINCREMENT": 1,
    },
    "modules/surveys/answers.py": {
        "LIKE": 1,
        "json_extract()": 2,
        "json_type()": 1,
    },
    "modules/surveys/listing.py": {
        "json_array_length()": 1,
    },
    "modules/webhooks/schema.py": {
        "AUTOINCREMENT": 1,
    },
    "server/agent/context.py": {
        "LIKE": 1,
    },
    "server/backup.py": {
        "PRAGMA": 2,
        "import sqlite3": 1,
    },
    "server/providers/usage.py": {
        "ROUND(x, digits)": 1,
    },
    "server/schema.py": {
        "AUTOINCREMENT": 4,
    },
    "server/schema_continued.py": {
        "AUTOINCREMENT": 8,
    },
    "server/sqlite_side.py": {
        "PRAGMA": 1,
        "changes()": 1,
        "import sqlite3": 1,
    },
    "server/storage_errors.py": {
        "import sqlite3": 1,
    },
    "server/store.py": {
        "BEGIN IMMEDIATE": 1,
        "PRAGMA": 9,
        "datetime()": 1,
        "import aiosqlite": 1,
        "import sqlite3": 1,
        "sqlite_master": 1,
    },
    "server/tables/memory.py": {
        "LIKE": 1,
    },
    "server/tables/runs.py": {
        "json_set()": 1,
    },
    "server/tables/skill_state.py": {
        "LIKE": 1,
    },
    "skills/money.py": {
        "LIKE": 1,
    },
    "skills/paging.py": {
        "LIKE": 1,
    },
}


def test_no_new_sqlite_only_sql() -> None:
    found = scan()
    new = [f"  {path}: {construct} x{count} (allowed {ALLOWED.get(path, {}).get(construct, 0)})"
           for path, constructs in sorted(found.items()) for construct, count in constructs.items()
           if count > ALLOWED.get(path, {}).get(construct, 0)]
    assert not new, (
        "SQLite-only SQL not in the allow-list (PostgreSQL is next; " + DOC + " has the portable forms):\n"
        + "\n".join(new)
        + "\n\nWrite it portably, or list it in " + DOC + " and replace ALLOWED in tests/test_sql_portability.py "
        "with:\n\n" + render(found)
    )


def test_allow_list_is_not_stale() -> None:
    """A construct made portable (or a file moved) leaves its entry behind: shrink the list with it."""
    found = scan()
    stale = [f"  {path}: {construct} allowed x{count}, found x{found.get(path, {}).get(construct, 0)}"
             for path, constructs in sorted(ALLOWED.items()) for construct, count in constructs.items()
             if found.get(path, {}).get(construct, 0) < count]
    assert not stale, (
        "the allow-list holds more than the code (update " + DOC + " too):\n" + "\n".join(stale)
        + "\n\nReplace ALLOWED in tests/test_sql_portability.py with:\n\n" + render(found)
    )


if __name__ == "__main__":
    print(render(scan()))
