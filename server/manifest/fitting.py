"""The greedy fit both tool lists use (the drop tier's manifest, the reasoning loop's tools): the
best-ranked skills whose definitions stay within a token budget.

Each skill is taken in rank order if its own cost still fits. Per-skill counts add up to a little
more or less than the joined list the model reads, so the joined list is then measured as sent, and
while it is over the budget the lowest-ranked skill taken goes first (never the last by name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def fit_ranked(ranked: Sequence[Item], *, cost: Callable[[Item], int], base: int, cap: int,
               measure: Callable[[list[Item]], int], size: int | None = None) -> list[Item]:
    """Those of ``ranked`` (best first) that fit, in rank order. ``base``: what is spent before any of
    them (the meta-tools); ``measure``: the exact tokens of a list as it would be sent, base included."""
    chosen: list[Item] = []
    used = base
    for item in ranked:
        if size is not None and len(chosen) == size:
            break
        spent = cost(item)
        if used + spent <= cap:
            chosen.append(item)
            used += spent
    while chosen and measure(chosen) > cap:
        chosen.pop()  # the lowest-ranked one
    return chosen
