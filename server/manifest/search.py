"""Ranked keyword search over the enabled skills, for the `search_skills` meta-tool.

Small and predictable on purpose. Words are lower-cased and split on anything that is not a
letter or digit; plurals are folded (companies -> company, addresses -> address, leads -> lead)
and a few filler words ("the", "for", "use when"...) are ignored. A query word found in a
skill's name or title weighs 3, in its description 2, in its instructions 1, each multiplied
by how rare the word is across the searched skills (inverse document frequency), so "overdue
invoices" ranks the skill about overdue invoices above every skill that merely mentions an
invoice. Ties go to the shorter name, then alphabetical order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

from skills import Skill

FIELDS = (("name", 3.0), ("description", 2.0), ("instructions", 1.0))
STOPWORDS = frozenset(
    "a an and are as at be by can do does e.g for from g has have how i in into is it its me my "
    "not of on one or our per so than that the their them then there this to use used when which "
    "will with without you your".split()
)


def stem(word: str) -> str:
    """Fold the regular English plurals; both the query and the skills go through it."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS}


@lru_cache(maxsize=4096)
def _fields(skill: Skill) -> tuple[frozenset[str], ...]:
    return (
        frozenset(words(skill.name.replace("_", " ") + " " + skill.title)),
        frozenset(words(skill.description)),
        frozenset(words(skill.instructions)),
    )


def search(skills: Iterable[Skill], query: str, limit: int = 10) -> list[tuple[Skill, float]]:
    """The ``limit`` best matches with their scores, best first; skills matching nothing are left out."""
    pool = list(skills)
    wanted = words(query)
    indexed = [(skill, _fields(skill)) for skill in pool]
    frequency = {w: sum(1 for _, fields in indexed if any(w in f for f in fields)) for w in wanted}
    rarity = {w: math.log(1 + len(pool) / n) for w, n in frequency.items() if n}
    scored = []
    for skill, fields in indexed:
        score = sum(weight * rarity[w] for w in rarity for (_, weight), f in zip(FIELDS, fields, strict=True)
                    if w in f)
        if score:
            scored.append((skill, round(score, 2)))
    scored.sort(key=lambda pair: (-pair[1], len(pair[0].name), pair[0].name))
    return scored[:limit]
