"""The reasoning loop: model -> tool calls through the executor -> model ... until an answer or a limit.

    run_loop(app, system_prompt=..., user_message=...)            -> RunRecord
      each iteration
        the budget of the model that will answer: its context window (budget.py)
        the request's size = conversation + the tool definitions it would carry -> manifest tier
        (full / compact / drop, Pattern 3: the richest tier whose own request stays within its share
        of the window; drop from the start for a small window) -> the run's tools (run_tools.py:
        the meta-tools + the skills this run is about, kept while the tier holds)
        -> one model call through the provider chain (Pattern 6), max_tokens fitted to the window
        -> no tool call: the answer ends the run (exactly NO_REPLY: nothing to say); an ``ask``
           answer stating figures nothing read is sent back once (grounding.py)
        -> each tool call: manifest.call_tool(caller="pilot", run_id, guard) = the executor's five layers
           (broken arguments and repeats within the turn are answered without running: repair.py)
           -> its result (cut to 4,000 characters) goes back to the model -> checkpoint
      stops on: answer, no_reply, max_iterations, token_budget, wall_clock, loop_detected, ungrounded,
                no_provider / provider_error, interrupted (cancelled)

Calls are made as ``caller="pilot"`` even for ``pilothouse ask``: a person asked, but the
model chooses the calls and their arguments, so the agent's rules apply (``approve`` skills
are queued for approval instead of running, ``notify`` skills tell the administrator, and in
shadow mode every write becomes a proposal: the model is told it was proposed, not done, and
the proposal keeps what the model said alongside the call as its reason).

Every step (a model call, a tool call) is checkpointed in ``runs`` (see ``checkpoint``), so
``run_loop(app, resume_run_id=...)`` continues an interrupted run from its cursor: completed
tool calls are never run again, and a call that finished just before a crash is found in the
activity log instead of being repeated.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio

from server import manifest
from server.agent import checkpoint, grounding, messages, repair, run_tools
from server.agent.budget import model_budget, scale
from server.agent.checkpoint import Checkpoint
from server.agent.loop_record import IterationRecord, RunRecord, ToolCallRecord
from server.errors import ConfigError, LoopDetected
from server.providers import AllProvidersFailed, NoProviderAvailable, ProviderChain, ToolCall
from server.providers.settings import HOW_TO_CONFIGURE, check_tier
from server.resilience.loop_guard import LoopGuard
from server.tables import approvals
from server.telemetry.agent import traced_run
from server.tokens import get_counter
from skills import ErrorKind

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)

NO_REPLY = "NO_REPLY"


@dataclass
class _Run:
    app: App
    chain: ProviderChain
    cp: Checkpoint
    guard: LoopGuard
    recovering: bool = False  # resumed: the first pending call may already have run


@traced_run
async def run_loop(
    app: App,
    *,
    system_prompt: str = "",
    user_message: str = "",
    kind: str = "ask",
    max_iterations: int = 6,
    token_budget: int = 120_000,
    model_tier: str = "fast",
    wall_clock_s: float | None = None,
    resume_run_id: str | None = None,
    providers: ProviderChain | None = None,
    preferred_provider: str | None = None,
    focus: str = "",
) -> RunRecord:
    """Run (or resume) one reasoning loop and return its record.

    ``kind`` labels the run ("ask", "heartbeat"). ``max_iterations`` counts model calls,
    ``token_budget`` the request's size (conversation and tool definitions); both apply to the
    whole run across resumes. ``focus`` is what the run is about, for choosing its tools (the
    heartbeat passes its objectives; by default the user message). ``wall_clock_s`` caps this
    invocation (a run that hits it is left ``timeout``, resumable).
    ``providers`` is a ``ProviderChain`` to use (and not close); by default one is built
    from the environment. On resume, the run's own kind, limits, tier and preferred provider
    are kept and the prompt arguments are ignored. Cancellation leaves the run ``paused``
    with its checkpoint saved, and propagates.
    """
    chain = providers if providers is not None else ProviderChain.for_app(app)
    try:
        if resume_run_id is not None:
            run = await _resume(app, chain, resume_run_id)
        else:
            run = await _start(app, chain, system_prompt, user_message, kind, max_iterations, token_budget,
                               check_tier(model_tier), preferred_provider, focus)
        return await _drive_within_limits(run, wall_clock_s)
    finally:
        if providers is None:
            await chain.aclose()


async def _start(app: App, chain: ProviderChain, system_prompt: str, user_message: str, kind: str,
                 max_iterations: int, token_budget: int, model_tier: str, preferred: str | None,
                 focus: str) -> _Run:
    if not system_prompt.strip() or not user_message.strip():
        raise ConfigError("run_loop needs a system_prompt and a user_message (or a resume_run_id)")
    settings = await chain.ready()
    if not settings.providers:  # fail before leaving a run row behind
        raise NoProviderAvailable(f"no AI provider is configured: {HOW_TO_CONFIGURE}.")
    settings.ordered(preferred)  # an unknown provider name fails here, not mid-run
    record = RunRecord(run_id=uuid.uuid4().hex, kind=kind, model_tier=model_tier)
    params = {"max_iterations": max_iterations, "token_budget": token_budget, "model_tier": model_tier,
              "preferred_provider": preferred, "focus": focus}
    messages = [{"role": "system", "content": system_prompt}, {"role": "user", "content": user_message}]
    cp = Checkpoint(messages, record, params, [])
    await checkpoint.create(app.store, cp, now=_now(app))
    return _Run(app, chain, cp, LoopGuard())


async def _resume(app: App, chain: ProviderChain, run_id: str) -> _Run:
    loaded = await checkpoint.load(app.store, run_id)
    if loaded is None:
        raise ConfigError(f"no run {run_id!r}; pilot_list_runs lists runs and their status")
    status, cp = loaded
    if status not in checkpoint.RESUMABLE or not cp.messages:
        raise ConfigError(f"run {run_id} is {status} ({cp.record.stop_reason or 'no checkpoint'}) and cannot be "
                          f"resumed; only {', '.join(checkpoint.RESUMABLE)} runs can")
    record = cp.record
    record.resumed_at.append(record.cursor)
    record.status, record.stop_reason, record.error = "running", None, None
    guard = LoopGuard()
    for call in record.tool_calls:  # same-action detection spans the interruption
        if isinstance(call.arguments, dict):
            guard.record(*repair.as_executed(call.skill, call.arguments))
    await checkpoint.save(app.store, cp, now=_now(app))
    log.info("resuming run %s from step %s", run_id, record.cursor)
    return _Run(app, chain, cp, guard, recovering=True)


async def _drive_within_limits(run: _Run, wall_clock_s: float | None) -> RunRecord:
    record = run.cp.record
    try:
        async with asyncio.timeout(wall_clock_s) as deadline:
            await _drive(run)
    except TimeoutError:
        if not deadline.expired():
            raise
        record.stop("wall_clock", error=f"stopped at the wall-clock cap of {wall_clock_s:g} s after step "
                                        f"{record.cursor}; resume with the run id")
        await _save(run)
    except asyncio.CancelledError:
        record.stop("interrupted", error=f"interrupted after step {record.cursor}")
        await _save(run, paused_reason="interrupted (shutdown or cancelled); resumes from its cursor")
        raise
    except Exception as exc:
        record.stop("error", error=f"{type(exc).__name__}: {exc}")
        await _save(run)
        raise
    return record


async def _drive(run: _Run) -> None:
    cp, record = run.cp, run.cp.record
    params = cp.params
    counter = await get_counter()
    while True:
        for call, same_as in messages.pending(cp.messages):
            if not await _tool_step(run, call, same_as):
                return
        if len(record.iterations) >= params["max_iterations"]:
            record.stop("max_iterations")
            return await _save(run)
        try:
            budget = await model_budget(run.chain, params["model_tier"], params.get("preferred_provider"))
        except NoProviderAvailable as exc:
            record.stop("no_provider", error=str(exc))
            return await _save(run)
        conversation = counter.count_messages(cp.messages)
        factor = scale(record.iterations[-1] if record.iterations else None, budget)
        limit = budget.limit(params["token_budget"])
        tier, tools, tool_tokens = await run_tools.choose(run.app, params, cp.messages, conversation, factor,
                                                          limit, budget)
        used = round((conversation + tool_tokens) * factor)
        if used >= limit:
            of = (f"of its {limit} budget" if limit == params["token_budget"] else
                  f"of the {limit} tokens {budget.model}'s context allows ({budget.window}, {budget.reply_tokens} "
                  "kept for the reply)")
            record.stop("token_budget", error=f"the request reached {used} tokens ({tool_tokens} of them tool "
                                              f"definitions) {of}")
            return await _save(run)
        iteration = IterationRecord(len(record.iterations) + 1, tier, len(tools), conversation, tool_tokens,
                                    window=budget.window, max_tokens=budget.reply_tokens)
        try:
            result = await run.chain.complete(cp.messages, tools, tier=params["model_tier"],
                                              preferred=params.get("preferred_provider"), run_id=record.run_id,
                                              max_tokens=budget.reply_tokens)
        except (NoProviderAvailable, AllProvidersFailed) as exc:
            iteration.attempts = [a.as_dict() for a in getattr(exc, "attempts", [])]
            record.iterations.append(iteration)
            record.stop("no_provider" if isinstance(exc, NoProviderAvailable) else "provider_error", error=str(exc))
            return await _save(run)
        reply = result.reply
        iteration.provider, iteration.model = result.provider, result.model
        iteration.prompt_tokens, iteration.completion_tokens = reply.prompt_tokens, reply.completion_tokens
        iteration.cached_tokens = reply.cached_tokens
        iteration.latency_ms = round(result.latency_ms, 1)
        iteration.attempts = [a.as_dict() for a in result.attempts]
        iteration.tool_calls = len(reply.tool_calls)
        record.iterations.append(iteration)
        record.prompt_tokens += reply.prompt_tokens
        record.completion_tokens += reply.completion_tokens
        cp.messages.append(messages.assistant_turn(reply.content, reply.tool_calls))
        record.cursor += 1
        cp.plan.append(f"model {result.model_id}" + (f" -> {len(reply.tool_calls)} call(s)" if reply.tool_calls
                                                     else " -> answer"))
        if not reply.tool_calls:
            _answered(run, (reply.content or "").strip())
        await _save(run)
        if record.stop_reason is not None:
            return


def _answered(run: _Run, text: str) -> None:
    """A reply without tool calls: the answer, NO_REPLY, or (for ``ask``) figures nothing read."""
    cp, record = run.cp, run.cp.record
    if text in ("", NO_REPLY):  # an empty reply says nothing, like NO_REPLY: there is no answer to show
        record.stop("no_reply")
        return
    figures = (grounding.ungrounded_figures(text, messages.request_text(cp.messages), record)
               if record.kind == "ask" else [])
    if not figures:
        record.stop("answer", answer=text)
    elif not cp.params.get("grounding_nudged"):
        cp.params["grounding_nudged"] = True
        cp.messages.append(messages.remark(grounding.nudge(figures)))
        cp.plan.append("ungrounded answer: asked to read first")
    else:
        record.stop("ungrounded", error=f"the answer states figures ({', '.join(figures[:5])}) that no skill call "
                                        f"read, after being asked once to read them; not shown as an answer: "
                                        f"{text[:300]!r}")


async def _tool_step(run: _Run, call: ToolCall, same_as: str | None) -> bool:
    """Run one tool call the model asked for; False when it ended the run."""
    cp, record = run.cp, run.cp.record
    entry = ToolCallRecord(len(record.iterations), call.id, call.name,
                           call.arguments if call.arguments is not None else call.raw_arguments, ok=False)
    row = None
    if run.recovering and call.arguments is not None and same_as is None:
        skill, _ = repair.as_executed(call.name, call.arguments)
        row = await checkpoint.activity_since(run.app.store, record.run_id, cp.activity_watermark, skill)
        # Calls run one at a time, so only the first pending call can have run before the interruption.
        run.recovering = False
    if same_as is not None:
        first = next((c for c in record.tool_calls if c.call_id == same_as), None)
        entry.ok, entry.error_kind = bool(first and first.ok), "duplicate"
        text = entry.message = repair.duplicate(same_as)
    elif call.arguments is None:
        text = repair.broken_arguments(run.app, call)
        entry.error_kind, entry.message = "validation", text[:300]
    elif row is not None:
        entry.ok, entry.error_kind, entry.activity_id, entry.recovered = (
            row["status"] == "ok", row["error_kind"], row["id"], True)
        text = (row["output_summary"] or "") if entry.ok else (row["error"] or "")
        text += "\n[recovered from the activity log after an interruption; output summarized]"
        entry.message = "" if entry.ok else (row["error"] or "")[:300]
    else:
        try:
            result = await manifest.call_tool(run.app, call.name, call.arguments, caller="pilot",
                                              run_id=record.run_id, guard=run.guard)
        except LoopDetected as exc:
            entry.error_kind, entry.message = "loop_detected", str(exc)
            record.tool_calls.append(entry)
            cp.messages.append(messages.tool_result(call.id, str(exc))[0])
            record.stop("loop_detected", error=str(exc))
            await _save(run)
            return False
        text = result.text
        if result.error_kind == ErrorKind.VALIDATION:
            text = repair.refused_arguments(run.app, call, text)
        if result.proposed and result.approval_id is not None:  # shadow mode: keep why the model wanted it
            await approvals.note_reason(run.app.store, result.approval_id, messages.stated_reason(cp.messages))
        entry.ok, entry.activity_id = result.ok, result.activity_id
        entry.error_kind = "proposed" if result.proposed else (
            str(result.error_kind) if result.error_kind is not None else None)
        entry.message = "" if result.ok else result.message[:300]
    message, entry.truncated = messages.tool_result(call.id, text)
    record.tool_calls.append(entry)
    cp.messages.append(message)
    record.cursor += 1
    cp.plan.append(f"tool {call.name} {'ok' if entry.ok else entry.error_kind}")
    cp.activity_watermark = max(cp.activity_watermark, entry.activity_id or 0)
    await _save(run)
    return True


async def _save(run: _Run, paused_reason: str | None = None) -> None:
    # Shielded: a checkpoint started while the run is being cancelled must still land.
    with anyio.CancelScope(shield=True):
        await checkpoint.save(run.app.store, run.cp, now=_now(run.app), paused_reason=paused_reason)


def _now(app: App) -> str:
    return str(app.clock.now().isoformat(timespec="seconds"))
