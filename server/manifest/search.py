"""Ranked search over the enabled skills: the `search_skills` meta-tool and the loop's tool choice.

BM25F (BM25 over weighted fields), offline and deterministic. Each skill is one document whose
fields weigh by how much they say about *what the skill is for*:

    name and title 3 · the author's example requests and synonyms 2.5 · description 2 ·
    instructions 0.5

The description's routing paragraph ("NOT for refunds (use ...)") is left out: it names what
the skill is *not* for, and indexing it sent refund requests to the cancel skill. Words are
lower-cased, split on anything not a letter or digit, stripped of filler words and stemmed with
the Snowball English stemmer (invoices, invoicing -> invoic), the same way for skills and
queries. A query word is also expanded through the shared business vocabulary
(vocabulary.py: "bill" also searches "invoice") at a lower weight, so what the person typed
still counts most. Term weights are BM25's rarity (idf), so "overdue invoices" ranks the skill
about overdue invoices above every skill that merely mentions an invoice. Ties go to the
shorter name, then alphabetical order.

The index is built once per catalog (the same skills in the same order) and kept: enabling or
disabling a module builds a new one. A query then costs a dictionary look-up per word plus
the arithmetic over the skills that contain it (~0.1 ms over 500 skills; benchmarks/search.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from server.manifest.vocabulary import EXPANSION_WEIGHT, EXPANSIONS, PHRASES
from skills import Skill

# (field, weight, length normalisation b): short fields barely normalise, long prose does.
FIELDS = (("name", 3.0, 0.2), ("terms", 2.5, 0.3), ("description", 2.0, 0.5), ("instructions", 0.5, 0.75))
K1 = 1.2
STOPWORDS = frozenset(
    "a all an and any are as at be by can could do does e.g for from g get give has have how i i'm in into is it "
    "its just let me my need not now of on one or our per please so some than that the their them then there "
    "this to up us use used want we what when where which who will with without would you your".split()
)
_CACHED_INDEXES = 4


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """Loaded on the first search, not at start-up: the package imports every language's stemmer
    (a cost the first tools/list of a stdio host never needs)."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball English stem; both the query and the skills go through it."""
    return str(_stemmer().stemWord(word))


def tokens(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS]


def words(text: str) -> set[str]:
    return set(tokens(text))


def query_terms(query: str) -> dict[str, float]:
    """Stemmed query words with their weights: typed words 1, vocabulary expansions lower."""
    text = " ".join(re.findall(r"[a-z0-9\-]+", query.lower()))
    weights: dict[str, float] = {}
    spoken = []
    for phrase in PHRASES:
        if re.search(rf"\b{re.escape(phrase)}\b", text):
            spoken.append(phrase)
            text = re.sub(rf"\b{re.escape(phrase)}\b", " ", text)
    for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text):
        parts = word.split("-")
        if word in EXPANSIONS:
            spoken.append(word)
        for part in parts:
            if part in STOPWORDS:
                continue
            weights[stem(part)] = 1.0
            if part in EXPANSIONS and part != word:
                spoken.append(part)
    for word in spoken:
        for meant in EXPANSIONS[word]:
            term = stem(meant)
            weights[term] = max(weights.get(term, 0.0), EXPANSION_WEIGHT)
    return weights


def _indexing_description(description: str) -> str:
    return re.split(r"\bNOT\b", description, maxsplit=1)[0]


def _skill_fields(skill: Skill) -> tuple[list[str], ...]:
    return (
        tokens(skill.name.replace("_", " ") + " " + skill.title),
        tokens(" ".join((*skill.examples, *skill.synonyms))),
        tokens(_indexing_description(skill.description)),
        tokens(skill.instructions),
    )


@dataclass
class _Index:
    skills: list[Skill]  # held so the ids in the cache key stay unique while cached
    postings: dict[str, list[tuple[int, float]]]  # term -> (skill position, BM25F pseudo term frequency)
    idf: dict[str, float]


def _build(skills: list[Skill]) -> _Index:
    fielded = [_skill_fields(s) for s in skills]
    averages = [max(1.0, sum(len(f[i]) for f in fielded) / max(1, len(fielded))) for i in range(len(FIELDS))]
    postings: dict[str, list[tuple[int, float]]] = {}
    for position, fields in enumerate(fielded):
        pseudo: dict[str, float] = {}
        for (_, weight, b), field_tokens, average in zip(FIELDS, fields, averages, strict=True):
            norm = 1 - b + b * len(field_tokens) / average
            for term, count in Counter(field_tokens).items():
                pseudo[term] = pseudo.get(term, 0.0) + weight * count / norm
        for term, tf in pseudo.items():
            postings.setdefault(term, []).append((position, tf))
    n = len(skills)
    idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}
    return _Index(skills, postings, idf)


_indexes: OrderedDict[tuple[int, ...], _Index] = OrderedDict()


def _index(skills: list[Skill]) -> _Index:
    key = tuple(map(id, skills))
    found = _indexes.get(key)
    if found is None:
        found = _indexes[key] = _build(skills)
        while len(_indexes) > _CACHED_INDEXES:
            _indexes.popitem(last=False)
    else:
        _indexes.move_to_end(key)
    return found


def search(skills: Iterable[Skill], query: str, limit: int = 10) -> list[tuple[Skill, float]]:
    """The ``limit`` best matches with their scores, best first; skills matching nothing are left out."""
    index = _index(list(skills))
    scores: dict[int, float] = {}
    for term, weight in query_terms(query).items():
        idf = index.idf.get(term)
        if idf is None:
            continue
        for position, tf in index.postings[term]:
            scores[position] = scores.get(position, 0.0) + weight * idf * tf * (K1 + 1) / (tf + K1)
    ranked = sorted(((index.skills[p], round(score, 2)) for p, score in scores.items()),
                    key=lambda pair: (-pair[1], len(pair[0].name), pair[0].name))
    return ranked[:limit]
