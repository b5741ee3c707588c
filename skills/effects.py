"""The effects a skill can have on the world, declared with ``@skill(effects=...)``.

Trust follows the effect, not the skill's name: two skills that can cancel an order, or mail a
customer, are gated alike whichever one a caller picks (server/trust/effect_levels.py applies
the strictest trust among the skills sharing an effect). A skill declares every effect it CAN
have; one a call has only with some arguments says so with ``when``::

    @skill(..., effects=("cancellation",))
    @skill(..., effects=(effect("message", recipient="to"),))          # the address is argument `to`
    @skill(..., effects=(effect("cancellation", when={"status": "cancelled"}),))

The vocabulary is closed (``EFFECTS``), so a typo fails at import like the rest of the contract.
A skill that declares an effect takes the ``confirm`` argument: its call may need a person's yes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

EffectName = Literal["message", "money", "cancellation", "deletion", "publication", "disclosure", "trust"]
# What each effect means, for people (skills list, the cockpit, docs) and authors choosing one.
EFFECTS: dict[str, str] = {
    "message": "a message the business writes goes to someone outside (a customer, vendor, subscriber)",
    "money": "money leaves the business, or a claim on a customer is made, reduced or withdrawn",
    "cancellation": "an order, booking, contract, subscription or event is called off",
    "deletion": "records are removed for good",
    "publication": "content becomes public",
    "disclosure": "business data starts flowing to an address outside (a webhook endpoint)",
    "trust": "who decides changes: requests approved or rejected, trust levels, the agent's mode",
}
assert set(EFFECTS) == set(get_args(EffectName))


@dataclass(frozen=True, slots=True)
class DeclaredEffect:
    """One effect a skill can have. ``when``: only calls whose argument takes one of the values.
    ``recipient``: for a message, the argument holding the address(es) it goes to."""

    name: EffectName
    when: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    recipient: str | None = None

    def applies(self, arguments: Mapping[str, Any]) -> bool:
        return all(arguments.get(param) in values for param, values in self.when)

    def __str__(self) -> str:
        cond = " and ".join(f"{p}={'|'.join(map(str, v))}" for p, v in self.when)
        return f"{self.name} (when {cond})" if cond else self.name


def effect(name: EffectName, *, when: Mapping[str, Any] | None = None,
           recipient: str | None = None) -> DeclaredEffect:
    """An effect with a condition or a recipient argument; a bare name is enough otherwise."""
    pairs = tuple((param, tuple(v) if isinstance(v, (tuple, list, set, frozenset)) else (v,))
                  for param, v in (when or {}).items())
    return DeclaredEffect(name, pairs, recipient)


def declare_effects(values: Sequence[str | DeclaredEffect], params: Sequence[str]) -> tuple[DeclaredEffect, ...]:
    """The declaration checked against the vocabulary and the skill's parameters, or a ``ValueError``
    saying what to fix (the contract names the skill)."""
    if isinstance(values, str):
        raise ValueError(f"effects= takes a tuple, not one string: write effects=({values!r},)")
    declared = tuple(v if isinstance(v, DeclaredEffect) else effect(v) for v in values)  # type: ignore[arg-type]
    for one in declared:
        if one.name not in EFFECTS:
            raise ValueError(f"unknown effect {one.name!r}; use one of: {', '.join(EFFECTS)}")
        named = [p for p, _ in one.when] + ([one.recipient] if one.recipient else [])
        if missing := [p for p in named if p not in params]:
            raise ValueError(f"effect {one.name} names {', '.join(missing)}, which is not a parameter")
        if one.recipient and one.name != "message":
            raise ValueError(f"recipient= goes with the message effect, not {one.name}")
    if len({d.name for d in declared}) != len(declared):
        raise ValueError("each effect is declared once; put every condition in its one when=")
    return declared
