"""Layer 1a: the per-skill circuit breaker, stored in ``skill_state`` so it survives restarts.

closed --3 consecutive failures--> open --cooldown over--> half_open (exactly one probe)
half_open --probe succeeds--> closed;  half_open --probe fails--> open, cooldown doubled (cap 1 h)

A call and its retries count as one failure, so a retry never trips the breaker twice.
The probe is claimed with a conditional UPDATE, so two concurrent callers cannot
both become the probe (the common half-open bug of letting a burst through). Only the
probe moves the breaker out of half_open: a slow call admitted before the breaker
opened counts its failure but neither re-opens nor closes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server.tables import skill_state
from skills import ErrorKind
from skills.context import Database

FAILURE_THRESHOLD = 3
BASE_COOLDOWN_S = 300.0
MAX_COOLDOWN_S = 3600.0
# A probe that never reported back (the process died, the request was cancelled) is given up after this long.
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


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _wait(now: datetime, until: str) -> str:
    seconds = max(0, int((datetime.fromisoformat(until) - now).total_seconds()))
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


async def admit(tx: Database, skill: str, state: dict[str, Any] | None, now: datetime) -> Admission:
    """Decide whether a call may run. ``tx`` must be inside a write transaction."""
    if state is None or state["breaker"] == "closed":
        return Admission(True)
    now_iso = _iso(now)
    if state["breaker"] == "open" and state["open_until"] > now_iso:
        return Admission(False, message=(
            f"circuit_broken: {skill} failed {FAILURE_THRESHOLD}+ times in a row and is not being called until "
            f"{state['open_until']} (in {_wait(now, state['open_until'])}); then one probe call tries it again. "
            "Use another skill or come back later."
        ))
    stale = _iso(now - timedelta(seconds=STALE_PROBE_S))
    if await skill_state.claim_probe(tx, skill, now_iso, stale):
        return Admission(True, probe=True)
    return Admission(False, message=(
        f"circuit_broken: {skill} is being probed after repeated failures; one trial call is in flight. "
        "Try again in a minute."
    ))


async def record(tx: Database, skill: str, *, failed: bool, now: datetime, probe: bool = False) -> None:
    """Update the breaker after a counted call (a success, or a failure that counts).

    Reads the row inside the caller's transaction, never a copy taken before the call, so
    concurrent calls to one skill see each other's results.
    """
    now_iso = _iso(now)
    if not failed:
        if probe:
            await skill_state.close_breaker(tx, skill, now_iso)
        else:  # ends a streak of failures; an open breaker is left to its probe
            await skill_state.end_failure_streak(tx, skill, now_iso)
        return
    current = await skill_state.breaker_row(tx, skill)
    failures = (current["consecutive_failures"] if current else 0) + 1
    state = current["breaker"] if current else "closed"
    open_until = current["open_until"] if current else None
    cooldown = current["cooldown_s"] if current else 0.0
    probe_started = current["probe_started_at"] if current else None
    if probe:
        state, cooldown, probe_started = "open", min(max(cooldown, BASE_COOLDOWN_S) * 2, MAX_COOLDOWN_S), None
        open_until = _iso(now + timedelta(seconds=cooldown))
    elif state == "closed" and failures >= FAILURE_THRESHOLD:
        state, cooldown = "open", BASE_COOLDOWN_S
        open_until = _iso(now + timedelta(seconds=cooldown))
    await skill_state.save_breaker(tx, skill, failures=failures, breaker=state, open_until=open_until,
                                   cooldown_s=cooldown, probe_started_at=probe_started, now=now_iso)


async def release(tx: Database, skill: str, now: datetime) -> None:
    """A probe ended without a verdict (a refusal or a caller mistake): let the next call probe."""
    await skill_state.release_probe(tx, skill, _iso(now))


async def reset(tx: Database, skill: str, now: datetime) -> None:
    await skill_state.reset_breaker(tx, skill, _iso(now))
