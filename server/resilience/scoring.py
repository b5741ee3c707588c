"""The bookkeeping after a scored call: the breaker (L1), the hard-negative streak (L3) and the
silent-degradation watch (L4), in the call's own transaction.

A ``no_effect`` call neither extends nor ends the hard-negative streak: it never reached what would
have refused it, so it says nothing about the credentials it would have used. A ``neutral`` success
(a delivery run that found nothing due) says nothing at all: it neither closes nor extends a failure
streak of the breaker either, so an outage between two backoff attempts stays visible.
"""

from __future__ import annotations

from datetime import datetime

from server.resilience import breaker, degradation, escalation, evaluation
from skills import ErrorKind, Skill
from skills.context import Database


async def settle(db: Database, skill: Skill, *, kind: ErrorKind | None, outcome: str, probe: bool,
                 now: datetime) -> bool:
    """Record one call's verdict; True when it counted for the breaker (a success or a counted failure)."""
    if (kind is not None and not breaker.counts_as_failure(kind)) or (kind is None and outcome == "neutral"):
        if probe:  # the probe said nothing about the skill's health: the next call probes
            await breaker.release(db, skill.name, now)
        return False
    await breaker.record(db, skill.name, failed=kind is not None, now=now, probe=probe)
    if outcome != "no_effect":
        await escalation.record(db, skill.name, hard_negative=evaluation.is_hard_gate(kind), kind=kind, now=now)
    if skill.expects_effect:
        await degradation.observe(db, skill.name, outcome, now)
    return True
