"""A module's playbook as files: what the Skills extension serves and what health's drift baseline hashes.

    skill://pilothouse/<module>/SKILL.md                 frontmatter (name, description), the module's
                                                          skills by purpose, what runs by itself
    skill://pilothouse/<module>/references/<skill>.md    one skill's contract: title, description,
                                                          instructions and hints, from the code

Everything comes from the code (the registry), never from the database, so the files and their
sha256 digests say what this instance's code serves; an owner's trust choice changes neither.
The skill's name is the module id with '_' as '-' (SEP-2640's naming rules). The digest of a
skill's reference file is the digest health records for that skill (server/health/hashing.py):
"what this instance serves" and "what the skills extension publishes" are one fact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from skills import Module, Skill

AUTHORITY = "pilothouse"
ROOT = f"skill://{AUTHORITY}"
SKILL_MD = "SKILL.md"
REFERENCES = "references"


@dataclass(frozen=True)
class File:
    uri: str
    text: str

    @property
    def data(self) -> bytes:
        return self.text.encode()

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.data).hexdigest()


def skill_name(module: Module) -> str:
    return module.id.replace("_", "-")


def directory(module: Module) -> str:
    return f"{ROOT}/{skill_name(module)}"


def description(module: Module) -> str:
    return " ".join(f"{module.name}: {module.description}".split())


@lru_cache(maxsize=2048)
def reference(skill: Skill, module_dir: str) -> File:
    """One skill's contract as the playbook ships it (and health hashes it)."""
    h = skill.hints
    hints = ", ".join(n for n, on in (("read-only", h.read_only), ("destructive", h.destructive),
                                       ("idempotent", h.idempotent), ("open-world", h.open_world)) if on)
    text = (f"# {skill.title} (`{skill.name}`)\n\n{skill.description.strip()}\n\n"
            f"Hints: {hints or 'changes data'}. Default trust: {skill.trust}.\n\n{skill.instructions.strip()}\n")
    return File(f"{module_dir}/{REFERENCES}/{skill.name}.md", text)


def frontmatter(module: Module) -> dict[str, str]:
    return {"name": skill_name(module), "description": description(module)}


def skill_md(module: Module) -> File:
    lines = ["---", f"name: {skill_name(module)}", f"description: {_yaml(description(module))}", "---", "",
             f"# {module.name}", "", module.description.strip(), "",
             "Each skill is an MCP tool of this server (or run it with execute_read_skill / execute_skill); "
             f"its full contract is in `{REFERENCES}/<skill>.md`.", "", "## Skills", ""]
    for s in sorted(module.skills, key=lambda s: s.name):
        kind = "reads" if s.hints.read_only else "writes"
        lines.append(f"- `{s.name}` ({kind}): {s.title}. See `{REFERENCES}/{s.name}.md`.")
    if module.automations:
        lines += ["", "## What runs by itself", ""]
        for a in module.automations:
            when = a.config.get("schedule") or a.config.get("event") or a.trigger
            lines.append(f"- {a.name}: `{a.skill}` on {a.trigger} `{when}` ({a.executor}).")
    return File(f"{directory(module)}/{SKILL_MD}", "\n".join(lines) + "\n")


def files(module: Module) -> list[File]:
    """Every file of the module's playbook: SKILL.md first, then the references by skill name."""
    return [skill_md(module), *(reference(s, directory(module)) for s in sorted(module.skills, key=lambda s: s.name))]


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset), so any character is safe."""
    return json.dumps(text, ensure_ascii=False)
