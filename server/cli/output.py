"""How the CLI prints: tables for people, JSON with --json, one-line errors on stderr."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


class CliError(Exception):
    """Bad input or a refused operation: printed on stderr (one line per problem), exit code 2."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


# Skill and meta-tool names in messages written for a model, and the command a person runs instead.
_FOR_PEOPLE = [
    (re.compile(r"describe_skill shows the full schema of (\w+)"),
     r"`pilothouse skills show \1` shows its full schema"),
    (re.compile(r"Use search_skills to find one\."), "`pilothouse skills list` shows every skill."),
    (re.compile(r"\bops_list_approvals\b"), "`pilothouse approvals list`"),
    (re.compile(r"\bpilot_activity_feed\b"), "`pilothouse activity`"),
]


def for_cli(message: str) -> str:
    """A message written for a model, with the commands a person at the terminal runs instead."""
    for pattern, replacement in _FOR_PEOPLE:
        message = pattern.sub(replacement, message)
    return message


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")


def table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    rows = list(rows)
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    sys.stdout.write("\n".join(lines) + "\n")


def line(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "-"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
