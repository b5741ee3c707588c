"""Figures and words in an answer: what it must say, and whether its figures came from the run.

Numbers are compared as numbers ("18,000", "18000.00" and "EUR 18000" are one figure), an
amount in units also matches the same amount in cents (the skills return cents), a percentage
matches the fraction it rounds (0.333 and "33%"), and an ISO
date matches its spelled forms ("19 October", "Oct 19th"). A figure is grounded when it was
in something the run read: a tool result, the request, or the context the run was given.
Integers up to ``SMALL`` are not judged one by one: counts and ordinals are everywhere, and an
answer to a data question with no read at all is caught whole (``evals.invariants``).
"""

from __future__ import annotations

import re
from datetime import date

SMALL = 10
NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])")
DIGITS = re.compile(r"\d+(?:\.\d+)?")  # every number inside what was read, "T14:00" and "INV-2026-0003" too
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def numbers(text: str) -> list[float]:
    return [float(m.group().replace(",", "")) for m in NUMBER.finditer(text)]


def figures(answer: str) -> list[str]:
    """The figures of an answer that need a source: numbers past ``SMALL`` (dates come apart into
    their year, month and day, each judged as a number)."""
    return [m.group() for m in NUMBER.finditer(answer) if float(m.group().replace(",", "")) > SMALL]


def ungrounded(answer: str, read: str) -> list[str]:
    """The figures of ``answer`` that appear nowhere in ``read``: not as themselves, as units of the
    cents read, nor as the percentage of a fraction read (0.333 read, "33%" said)."""
    known = set()
    for value in [*numbers(read), *(float(d) for d in DIGITS.findall(read))]:
        known |= {round(value, 2), round(value / 100, 2), round(value * 100), round(value * 100, 1)}
    return [f for f in figures(answer) if round(float(f.replace(",", "")), 2) not in known]


def missing(answer: str, terms: list[str | list[str]]) -> list[str]:
    """The terms (each a word or a list of alternatives) the answer does not contain."""
    return [" | ".join(t) if isinstance(t, list) else t for t in terms
            if not any(says(answer, alt) for alt in (t if isinstance(t, list) else [t]))]


def says(answer: str, term: str) -> bool:
    flat = " ".join(answer.split()).lower()
    if term.lower() in flat:
        return True
    if ISO_DATE.fullmatch(term):
        return any(re.search(p, flat) for p in _spelled(date.fromisoformat(term)))
    if NUMBER.fullmatch(term):
        wanted = float(term.replace(",", ""))
        return any(abs(n - wanted) < 0.005 for n in numbers(answer))
    return False


def _spelled(day: date) -> list[str]:
    month = MONTHS[day.month - 1].lower()
    months = f"(?:{month}|{month[:3]}\\.?)"
    d = rf"{day.day}(?:st|nd|rd|th)?"
    return [rf"\b{d} (?:of )?{months}\b", rf"\b{months} {d}\b"]
