"""The heartbeat's reasoning step: start or resume a run of the reasoning loop, and judge its result.

- Budget: 120k tokens / 15 iterations on the fast tier (180k / 18 on a fresh site, before
  the first successful cycle), never more than the answering model's context window
  (server/agent/budget.py), a wall-clock cap; an outer guard a little above the cap
  turns a loop that overstays into a ``timeout`` (which counts toward the backoff streak).
- Resume: a heartbeat run left ``running`` (its process died), ``paused`` or ``timeout``
  is resumed from its checkpoint by the next cycle, at most ``MAX_RESUMES`` times and
  only within a day; after that it is marked failed, so a poisoned run cannot eat every
  cycle forever.
- A run that ends with words but no skill call and no ``NO_REPLY`` is a failed cycle
  ("an intention and no action"), not a success; so is one whose calls all failed, and one
  whose answer claims work no successful call backs (``unsupported``; server/agent/evidence.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import anyio

from server.agent import evidence
from server.agent.cycle_record import CycleRecord, RunOutcome, load_state, write_state
from server.agent.settings import AgentSettings
from server.tables import runs

if TYPE_CHECKING:
    from server.agent.loop_record import RunRecord
    from server.app import App

log = logging.getLogger(__name__)

# What runs the model's part of a cycle (None: the real loop); tests hand in a scripted one.
Reasoner = Callable[..., Awaitable[Any]]
KIND = "heartbeat"
MAX_RESUMES = 3
STALE = timedelta(hours=24)
GUARD_S = 30.0
# The statuses the loop can resume (the same tuple as server.agent.checkpoint.RESUMABLE).
RESUMABLE = runs.RESUMABLE


async def interrupted(app: App) -> str | None:
    """The oldest heartbeat run waiting to be resumed, giving up on stale or over-resumed ones."""
    now = app.clock.now()
    resumes = (await load_state(app)).get("resumes", {})
    for row in await runs.resumable_runs(app.store, KIND):
        reason = None
        if row["started_at"] < (now - STALE).isoformat(timespec="seconds"):
            reason = f"abandoned: not finished within {STALE.total_seconds() / 3600:g} h"
        elif int(resumes.get(row["id"], 0)) >= MAX_RESUMES:
            reason = f"abandoned after {MAX_RESUMES} resumes"
        if reason:
            await runs.give_up(app.store, row["id"], reason, now.isoformat(timespec="seconds"))
            log.warning("heartbeat run %s %s", row["id"], reason)
            continue
        if row["resume_after"] and row["resume_after"] > now.isoformat(timespec="seconds"):
            continue
        return str(row["id"])
    return None


async def reason(
    app: App, settings: AgentSettings, record: CycleRecord, reasoner: Reasoner | None, *,
    system_prompt: str = "", user_message: str = "", resume_run_id: str | None = None, focus: str = "",
) -> RunOutcome:
    fresh = not await runs.any_succeeded(app.store)
    run_loop = reasoner or _real_loop()
    if resume_run_id:
        await _count_resume(app, resume_run_id)
    run = None
    with anyio.move_on_after(settings.wall_clock_s + GUARD_S) as guard:
        run = await run_loop(
            app, system_prompt=system_prompt, user_message=user_message, kind=KIND,
            max_iterations=settings.fresh_max_iterations if fresh else settings.max_iterations,
            token_budget=settings.fresh_token_budget if fresh else settings.token_budget,
            model_tier=settings.model_tier, wall_clock_s=settings.wall_clock_s, resume_run_id=resume_run_id,
            focus=focus,
        )
    if guard.cancelled_caught or run is None:
        return RunOutcome("timeout", f"the reasoning loop overstayed its {settings.wall_clock_s:g} s wall clock",
                          run_id=resume_run_id)
    return await judge(app, run)


async def judge(app: App, run: RunRecord) -> RunOutcome:
    """Translate a ``RunRecord`` into the cycle's status; a run that only talked did not work."""
    run_id = str(run.run_id)
    actions = [{"activity_id": c.activity_id, "skill": c.skill, "ok": c.ok, "error_kind": c.error_kind,
                "recovered": c.recovered} for c in run.tool_calls]
    text = (run.answer or "").strip()
    usage = {"prompt_tokens": run.prompt_tokens, "completion_tokens": run.completion_tokens,
             "iterations": len(run.iterations),
             # Which provider(s) answered: the cockpit's heartbeat timeline shows it per cycle.
             "provider": ",".join(dict.fromkeys(i.provider for i in run.iterations if i.provider))}
    detail = run.error or run.stop_reason or ""

    def outcome(status: str, reason: str) -> RunOutcome:
        return RunOutcome(status, reason, run_id, actions, text, usage)

    if run.status == "timeout":
        return outcome("timeout", f"{detail}; the run resumes from its checkpoint next cycle")
    if run.status == "failed":
        return outcome("failed", f"{run.stop_reason}: {run.error}" if run.error else str(run.stop_reason))
    if run.status == "paused":
        return outcome("skipped", f"{detail}; resumes next cycle")
    if run.stop_reason == "no_reply":
        return outcome("ok", "NO_REPLY: nothing worth doing")
    if not actions:
        return outcome("failed", "the cycle ended with an intention and no action: no skill call and no NO_REPLY")
    weighed = await evidence.weigh(app, actions)
    if weighed.all_failed:
        kinds = sorted({str(a["error_kind"]) for a in actions if a["error_kind"]})
        return outcome("failed", f"every skill call failed ({weighed.calls} call(s): {', '.join(kinds) or 'refused'})")
    claim = evidence.claims_work(text) if run.stop_reason == "answer" else None
    if claim is not None and not weighed.worked and not weighed.queued:
        return outcome("failed", f"unsupported: the answer claims work no successful call backs ({claim!r})")
    reason = {"answer": "completed", "max_iterations": "stopped at the iteration limit",
              "token_budget": "stopped at the token budget"}.get(str(run.stop_reason), detail)
    if weighed.queued:
        reason += f"; {weighed.queued} proposal(s) or approval(s) wait for a person (pilothouse approvals list)"
    return outcome("ok", reason)


async def _count_resume(app: App, run_id: str) -> None:
    state = await load_state(app)
    counts = state.get("resumes", {})
    counts[run_id] = int(counts.get(run_id, 0)) + 1
    # Keep counts only for runs still waiting to be resumed, so the note does not grow forever.
    alive = await runs.still_resumable(app.store, counts)
    state["resumes"] = {k: v for k, v in counts.items() if k in alive}
    await write_state(app, state)


def _real_loop() -> Any:
    from server.agent.loop import run_loop

    return run_loop
