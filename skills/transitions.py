"""Status machines: a record moves only along the transitions its module allows."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from skills.errors import SkillFailed


def check_transition(transitions: Mapping[str, Collection[str]], current: str, new: str, *, what: str) -> None:
    """Refuse a move ``current -> new`` the map does not allow, naming the moves that are allowed.

    ``what`` names the record in the message, e.g. ``f"lead {lead_id}"``. A status with no
    moves is final. A status missing from the map is final too: a typo there should refuse
    moves, not allow them.
    """
    allowed = transitions.get(current, ())
    if new not in allowed:
        options = ", ".join(sorted(allowed)) or "none (final)"
        raise SkillFailed(f"{what} is {current}; it cannot move to {new}. Allowed: {options}")
