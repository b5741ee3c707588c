"""Tier resolution (Pattern 3): how much of the catalog a model sees, from the budget used.

Re-evaluated on every iteration of the reasoning loop, so a growing conversation degrades
the manifest mid-run: used/budget > 0.75 -> drop, > 0.50 -> compact, else full.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

Tier = Literal["full", "compact", "drop"]
TIERS: tuple[Tier, ...] = ("full", "compact", "drop")
COMPACT_ABOVE = Fraction(1, 2)
DROP_ABOVE = Fraction(3, 4)


def resolve_tier(used: int, budget: int) -> Tier:
    """The tier for ``used`` tokens of ``budget``; exactly 50 % is still full, exactly 75 % still compact."""
    if budget <= 0:
        raise ValueError("the token budget must be positive")
    ratio = Fraction(used, budget)  # exact: no float rounding at the edges
    if ratio > DROP_ABOVE:
        return "drop"
    if ratio > COMPACT_ABOVE:
        return "compact"
    return "full"


def explain_tier(used: int, budget: int) -> str:
    """One line for people (``pilothouse manifest --used N --budget M``): the tier and the rule that chose it."""
    tier = resolve_tier(used, budget)
    ratio = used / budget
    half, three_quarters = f"{float(COMPACT_ABOVE):.0%}", f"{float(DROP_ABOVE):.0%}"
    rule = {
        "full": f"at most {half} of the budget is used: every skill with its full description",
        "compact": f"over {half} and at most {three_quarters}: every skill with every parameter, its first "
                   "sentence within 80 characters, no parameter descriptions",
        "drop": f"over {three_quarters}: only the (up to) 20 most used skills of the last 14 days, compact, "
                "required parameters only, within 1,000 tokens",
    }[tier]
    return f"{tier}: {used:,} of {budget:,} tokens used ({ratio:.1%}); {rule}. Meta-tools reach every skill."
