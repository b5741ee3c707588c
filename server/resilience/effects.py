"""Layer 4, first half: a call that returned is scored by what it reports it did, not by "no exception".

    reported effect (ctx.report)     outcome     the call is recorded as
    nothing done, nothing failed     no_effect   ok
    done, nothing failed             success     ok
    done and failed                  partial     ok
    only failures                    negative    failed, with the outside's refusal as its kind
                                                 (a 401/403/429 or an SMTP auth refusal is a hard
                                                 gate: it feeds the auto-pause like a raised one)

A handler that reports nothing keeps the old rule: ``ctx.set_outcome`` or ``success``. A reported
failure is never retried in the same call: the handler ran, its side effects happened, and
repeating them is exactly what a retry must not do.
"""

from __future__ import annotations

from dataclasses import dataclass

from skills import ErrorKind
from skills.context import Effect, Outcome


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: str
    kind: ErrorKind | None = None  # set: the call is recorded as failed
    message: str = ""


def outcome_of(effect: Effect) -> Outcome:
    if effect.outcome is not None:
        return effect.outcome
    if effect.done and effect.failed:
        return "partial"
    if effect.done:
        return "success"
    return "negative" if effect.failed else "no_effect"


def verdict(skill: str, effect: Effect | None, set_outcome: str | None) -> Verdict:
    if effect is None:
        return Verdict(set_outcome or "success")
    outcome = outcome_of(effect)
    if outcome != "negative":
        return Verdict(outcome)
    kind = effect.failure or ErrorKind.HANDLER_ERROR
    detail = f": {effect.detail}" if effect.detail else ""
    return Verdict("negative", kind, f"{skill} did nothing: {effect.failed} item(s) failed ({kind}){detail}")
