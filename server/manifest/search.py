"""Ranked keyword search over the enabled skills, for the `search_skills` meta-tool.

Small and predictable on purpose: words are lower-cased, split on anything that is not a
letter or digit, and a plural "s" is dropped. A query word found in a skill's name or title
weighs 3, in its description 2, in its instructions 1; ties go to the shorter name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from skills import Skill

WEIGHTS = (("name", 3), ("description", 2), ("instructions", 1))


def words(text: str) -> set[str]:
    result = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        result.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return result


def _fields(skill: Skill) -> dict[str, set[str]]:
    return {
        "name": words(skill.name.replace("_", " ") + " " + skill.title),
        "description": words(skill.description),
        "instructions": words(skill.instructions),
    }


def search(skills: Iterable[Skill], query: str, limit: int = 10) -> list[tuple[Skill, int]]:
    wanted = words(query)
    scored = []
    for skill in skills:
        fields = _fields(skill)
        score = sum(weight for word in wanted for field, weight in WEIGHTS if word in fields[field])
        if score:
            scored.append((skill, score))
    scored.sort(key=lambda pair: (-pair[1], len(pair[0].name), pair[0].name))
    return scored[:limit]
