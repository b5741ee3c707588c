"""The skill hash that says whether this instance still runs the skills it should.

It is computed from what the running code serves (the registry's definition of each enabled
skill), not from the stored rows: those are what a deploy may have forgotten to update, and
server/health/served.py compares the two.

Baseline format 2 (``published``): a skill's digest is the lower-case hex SHA-256 of its reference
file exactly as the Skills extension publishes it (server/playbooks/files.py: title, description,
hints, default trust, instructions), the same hex as that file's ``sha256:`` entry in skills/list.
``skills_hash`` is the SHA-256 of the lines ``name + "::" + digest + "\\n"`` of every ENABLED skill
(its row enabled and its module enabled), sorted by name (code-point order).

Format 1 (``compute``, baselines stored before): the bytes ``name + "::" + instructions[:200] +
"\\n"`` per skill (``instructions[:200]`` counts code points), hashed one by one and together. An
instance compares a format-1 baseline with these, so an upgrade alone reports no drift.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from server.playbooks import files as playbook
from skills import Module, Skill

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


def published(skills: Iterable[Skill], modules: Mapping[str, Module]) -> tuple[str, dict[str, str]]:
    """Format 2: each skill's digest is its published reference file's; the hash is over those."""
    per_skill = {s.name: playbook.reference(s, playbook.directory(modules[s.module_id])).digest.removeprefix("sha256:")
                 for s in skills}
    total = hashlib.sha256("".join(f"{n}::{per_skill[n]}\n" for n in sorted(per_skill)).encode())
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
