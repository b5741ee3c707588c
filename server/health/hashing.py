"""The skill hash that says whether this instance still runs the skills it should.

It is computed from what the running code serves (the registry's definition of each enabled
skill), not from the stored rows: those are what a deploy may have forgotten to update, and
server/health/served.py compares the two.

Exact byte layout: for every ENABLED skill (its row enabled and its module enabled), sorted
by name (code-point order), the UTF-8 bytes of ``name + "::" + instructions[:200] + "\\n"``
are concatenated, and ``skills_hash`` is the lower-case hex SHA-256 of that. ``instructions[:200]``
counts Unicode code points. Per-skill hashes use the same bytes for one skill, so a baseline
can name which skills were added, removed or changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

INSTRUCTION_CHARS = 200
BASELINE_KEY = "skills_baseline"


def skill_line(name: str, instructions: str) -> bytes:
    return f"{name}::{instructions[:INSTRUCTION_CHARS]}\n".encode()


def text_digest(text: str) -> str:
    """The digest of a document (soul, identity, rules) as a baseline records it."""
    return hashlib.sha256(text.encode()).hexdigest()


def compute(rows: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    ordered = sorted(rows, key=lambda r: r["name"])
    total = hashlib.sha256()
    per_skill = {}
    for row in ordered:
        line = skill_line(row["name"], row["instructions"] or "")
        total.update(line)
        per_skill[row["name"]] = hashlib.sha256(line).hexdigest()
    return total.hexdigest(), per_skill


@dataclass
class Drift:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff(baseline: dict[str, str], current: dict[str, str]) -> Drift:
    return Drift(
        added=sorted(set(current) - set(baseline)),
        removed=sorted(set(baseline) - set(current)),
        changed=sorted(n for n in set(baseline) & set(current) if baseline[n] != current[n]),
    )
