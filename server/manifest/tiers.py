"""Tier resolution (Pattern 3): how much of the catalog a model sees, from the budget used.

Re-evaluated on every iteration of the reasoning loop, so a growing conversation degrades
the manifest mid-run: used/budget > 0.75 -> drop, > 0.50 -> compact, else full.
"""

from __future__ import annotations

from typing import Literal

Tier = Literal["full", "compact", "drop"]
TIERS: tuple[Tier, ...] = ("full", "compact", "drop")
COMPACT_ABOVE = 0.50
DROP_ABOVE = 0.75


def resolve_tier(used: int, budget: int) -> Tier:
    if budget <= 0:
        raise ValueError("the token budget must be positive")
    ratio = used / budget
    if ratio > DROP_ABOVE:
        return "drop"
    if ratio > COMPACT_ABOVE:
        return "compact"
    return "full"


def explain_tier(used: int, budget: int) -> str:
    tier = resolve_tier(used, budget)
    ratio = used / budget
    rule = {
        "full": f"at most {COMPACT_ABOVE:.0%} of the budget is used: every skill with its full description",
        "compact": f"over {COMPACT_ABOVE:.0%} and at most {DROP_ABOVE:.0%}: every skill, descriptions cut to 80 "
                   "characters, no parameter descriptions",
        "drop": f"over {DROP_ABOVE:.0%}: only the 20 most used skills of the last 14 days, compact",
    }[tier]
    return f"{tier}: {used:,} of {budget:,} tokens used ({ratio:.1%}); {rule}. Meta-tools reach every skill."
