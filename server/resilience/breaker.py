"""Layer 1a: the per-skill circuit breaker, stored in ``skill_state`` so it survives restarts.

closed --3 consecutive failures--> open --cooldown over--> half_open (exactly one probe)
half_open --probe succeeds--> closed;  half_open --probe fails--> open, cooldown doubled (cap 1 h)

A call and its retries count as one failure, so a retry never trips the breaker twice.
The probe is claimed with a conditional UPDATE, so two concurrent callers cannot
both become the probe (the common half-open bug of letting a burst through).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skills import ErrorKind

FAILURE_THRESHOLD = 3
BASE_COOLDOWN_S = 300.0
MAX_COOLDOWN_S = 3600.0
# A probe that never reported back (the process died) is given up after this long.
STALE_PROBE_S = 600.0

# Refusals and caller mistakes say nothing about the skill's health.
NOT_COUNTED = frozenset(
    {
        ErrorKind.VALIDATION, ErrorKind.UNKNOWN_SKILL, ErrorKind.SKILL_DISABLED, ErrorKind.SKILL_PAUSED,
        ErrorKind.CIRCUIT_BROKEN, ErrorKind.LOOP_DETECTED, ErrorKind.APPROVAL_REQUIRED,
    }
)


@dataclass(frozen=True, slots=True)
class Admission:
    allowed: bool
    probe: bool = False
    message: str = ""


def counts_as_failure(kind: ErrorKind) -> bool:
    return kind not in NOT_COUNTED


async def admit(tx: Any, skill: str, state: dict[str, Any] | None, now: datetime) -> Admission:
    """Decide whether a call may run. ``tx`` must be inside a write transaction."""
    if state is None or state["breaker"] == "closed":
        return Admission(True)
    now_iso = now.isoformat(timespec="seconds")
    if state["breaker"] == "open" and state["open_until"] > now_iso:
        return Admission(False, message=(
            f"circuit_broken: {skill} failed {FAILURE_THRESHOLD}+ times in a row and is paused until "
            f"{state['open_until']} UTC; it will be tried again then with one probe call. "
            "Use another skill or come back later."
        ))
    stale = (now - timedelta(seconds=STALE_PROBE_S)).isoformat(timespec="seconds")
    claimed = await tx.execute(
        "UPDATE skill_state SET breaker = 'half_open', probe_started_at = ?, updated_at = ? "
        "WHERE skill = ? AND ((breaker = 'open' AND open_until <= ?) "
        "OR (breaker = 'half_open' AND probe_started_at < ?))",
        (now_iso, now_iso, skill, now_iso, stale),
    )
    if claimed.rowcount == 1:
        return Admission(True, probe=True)
    return Admission(False, message=(
        f"circuit_broken: {skill} is being probed after repeated failures; one trial call is in flight. "
        "Try again shortly."
    ))


async def record(tx: Any, skill: str, state: dict[str, Any] | None, *, failed: bool, now: datetime,
                 probe: bool = False) -> None:
    """Update the breaker after a counted call (success, or a failure that counts).

    ``state`` is the row as read before the call; a probe's success always closes the breaker.
    """
    now_iso = now.isoformat(timespec="seconds")
    if not failed:
        clean = state is None or (state["consecutive_failures"] == 0 and state["breaker"] == "closed")
        if clean and not probe:
            return  # hot path: nothing to change
        await tx.execute(
            "UPDATE skill_state SET consecutive_failures = 0, breaker = 'closed', open_until = NULL, "
            "cooldown_s = 0, probe_started_at = NULL, updated_at = ? WHERE skill = ?",
            (now_iso, skill),
        )
        return
    current = await tx.fetchone("SELECT * FROM skill_state WHERE skill = ?", (skill,))
    failures = (current["consecutive_failures"] if current else 0) + 1
    breaker, open_until, cooldown = "closed", None, current["cooldown_s"] if current else 0.0
    if current is not None and current["breaker"] == "half_open":
        cooldown = min(max(cooldown, BASE_COOLDOWN_S) * 2, MAX_COOLDOWN_S)
        breaker = "open"
    elif failures >= FAILURE_THRESHOLD:
        cooldown = BASE_COOLDOWN_S if not cooldown else cooldown
        breaker = "open"
    if breaker == "open":
        open_until = (now + timedelta(seconds=cooldown)).isoformat(timespec="seconds")
    await tx.execute(
        "INSERT INTO skill_state (skill, consecutive_failures, breaker, open_until, cooldown_s, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(skill) DO UPDATE SET consecutive_failures = excluded."
        "consecutive_failures, breaker = excluded.breaker, open_until = excluded.open_until, "
        "cooldown_s = excluded.cooldown_s, probe_started_at = NULL, updated_at = excluded.updated_at",
        (skill, failures, breaker, open_until, cooldown, now_iso),
    )


async def reset(tx: Any, skill: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE skill_state SET consecutive_failures = 0, breaker = 'closed', open_until = NULL, cooldown_s = 0, "
        "probe_started_at = NULL, consecutive_hard_negatives = 0, updated_at = ? WHERE skill = ?",
        (now.isoformat(timespec="seconds"), skill),
    )
