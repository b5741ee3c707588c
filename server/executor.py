"""The one path to a handler. MCP, the CLI, the reasoning loop and automations all call here.

    call -> L1 loop guard -> known? enabled? not paused? -> validate -> trust gate (approve: queued
            for a person from pilot/automation/system; mcp/cli: a person's yes, asked once)
         -> L1 breaker admission -> handler (timeout, transaction)
         -> L2 retry on retryable kinds (ctx.retry, ctx.prev_error) -> L4 score
         -> activity row + L1 breaker + L3 escalation, in one transaction

Nothing here raises to the caller except ``LoopDetected`` (which ends a run);
every other failure is a ``CallResult`` with an error kind and a message that says
what was wrong and how to fix it.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ValidationError

from server.confirmation import Confirmer, ConfirmRequest, confirmation_message
from server.errors import LoopDetected
from server.notify import approval_requested, notify_admin
from server.registry import Registry
from server.resilience import breaker, edge, escalation, evaluation
from server.resilience.loop_guard import LoopGuard
from server.store import AnyStore, dumps
from server.tables import activity, approvals
from server.tables.skill_state import CALL_STATE_SQL
from server.validation_errors import explain_validation
from skills import Clock, ErrorKind, Skill, SkillContext, WriteResult
from skills.context import Database
from skills.contract import CONFIRM_FIELD

log = logging.getLogger(__name__)

Caller = Literal["mcp", "cli", "pilot", "automation", "system"]
# Callers with no person at the other end: their approve-trust calls are queued for one, never run.
UNATTENDED = frozenset({"pilot", "automation", "system"})
WHO = {"automation": "An automation", "system": "A platform job"}
MAX_RETRIES = 2
CONFIRMED_VIA = "_confirmed_via"  # on the activity row's input: how the person said yes
APPROVAL_TTL = timedelta(hours=48)


@dataclass(slots=True)
class _Call:
    """What the executor knows about one call while it runs (mutable: attempts, the activity row)."""

    skill: Skill
    arguments: dict[str, Any]
    caller: Caller
    run_id: str | None
    started: float
    state: dict[str, Any] | None
    probe: bool
    attempt: int = 0
    prev_error: str | None = None
    outcome: str = "success"
    duration_ms: float = 0.0
    activity_id: int | None = None


class _Immediate:
    """The store for one autocommit statement: written on the spot (``Store.write_now``) unless the
    store says to wait, then awaited as usual. Either way the row is committed when this returns."""

    __slots__ = ("store",)

    def __init__(self, store: AnyStore) -> None:
        self.store = store

    async def execute(self, sql: str, params: Any = ()) -> WriteResult:
        done = self.store.write_now(sql, params)
        return done if done is not None else await self.store.execute(sql, params)

    def __getattr__(self, name: str) -> Any:  # anything else is the store's, unchanged
        return getattr(self.store, name)


@dataclass(frozen=True, slots=True)
class CallResult:
    skill: str
    ok: bool
    output: dict[str, Any] | None = None
    error_kind: ErrorKind | None = None
    message: str = ""
    outcome: str = "success"
    attempts: int = 0
    duration_ms: float = 0.0
    activity_id: int | None = None
    approval_id: int | None = None
    events: list[str] = field(default_factory=list)
    question: Any = None  # a confirmation the caller must put to the person (Confirmation.question)

    @property
    def text(self) -> str:
        """What a model or a person reads: the output as JSON, or the error message."""
        if self.ok:
            return json.dumps(self.output, default=str, ensure_ascii=False)
        return self.message


class Executor:
    def __init__(
        self,
        store: AnyStore,
        registry: Registry,
        clock: Clock,
        http: httpx.AsyncClient,
        *,
        retry_delay_s: float = 0.25,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock
        self.http = http
        self.retry_delay_s = retry_delay_s
        self.max_retries = max_retries
        # Skills whose breaker/escalation counters this process may have left non-zero since a
        # concurrent call read its state: that call's success must still reset them.
        self._unclean: set[str] = set()
        self._immediate = _Immediate(store)

    async def call(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        *,
        caller: Caller,
        run_id: str | None = None,
        guard: LoopGuard | None = None,
        approved: bool = False,
        confirm: Confirmer | None = None,
    ) -> CallResult:
        """Run one call. ``confirm``: how a person is asked about an unconfirmed approve-trust call
        from chat or the CLI (None: it is refused with confirmation_required)."""
        started = time.perf_counter()
        arguments = dict(arguments or {})
        skill = self.registry.skills.get(name)
        if guard is not None:
            # Every call counts, refused ones too: an agent repeating a call that keeps being
            # refused (paused, circuit broken, invalid) is looping just the same.
            try:
                guard.check(name, arguments)
            except LoopDetected as exc:
                await self._refuse(name, skill, arguments, caller, run_id, started, ErrorKind.LOOP_DETECTED, str(exc))
                raise
            guard.record(name, arguments)
        if skill is None:
            return await self._refuse(name, None, arguments, caller, run_id, started,
                                      ErrorKind.UNKNOWN_SKILL, self._unknown_message(name))
        row = await self._state(name)
        refusal = self._availability(skill, row)
        if refusal is not None:
            return await self._refuse(name, skill, arguments, caller, run_id, started, *refusal)
        assert row is not None
        try:
            parsed = skill.input_model.model_validate(arguments)
        except ValidationError as exc:
            return await self._refuse(name, skill, arguments, caller, run_id, started,
                                      ErrorKind.VALIDATION, explain_validation(skill, exc))
        if skill.trust == "approve" and not approved:
            if caller in UNATTENDED:  # nobody to ask: a person decides from the queue, the call never runs now
                return await self._queue_approval(skill, parsed, arguments, run_id, caller, started)
            if caller in ("mcp", "cli") and not getattr(parsed, CONFIRM_FIELD, False):
                asked = await self._ask(skill, parsed, confirm)
                if isinstance(asked, CallResult):
                    return asked
                if asked is None:
                    return await self._refuse(name, skill, arguments, caller, run_id, started,
                                              ErrorKind.APPROVAL_REQUIRED, confirmation_message(skill))
                if asked.startswith("refused:"):
                    return await self._refuse(name, skill, arguments, caller, run_id, started,
                                              ErrorKind.APPROVAL_REQUIRED, asked.removeprefix("refused:"))
                arguments = {**arguments, CONFIRMED_VIA: asked}  # recorded on the call's one activity row
        state = row if row["breaker"] is not None else None
        probe = False
        if state is not None and state["breaker"] != "closed":
            async with self.store.transaction() as tx:
                admission = await breaker.admit(tx, name, state, self.clock.now())
            if not admission.allowed:
                return await self._refuse(name, skill, arguments, caller, run_id, started,
                                          ErrorKind.CIRCUIT_BROKEN, admission.message)
            probe = admission.probe
        settings = json.loads(row["settings"] or "{}")
        return await self._run(skill, parsed, arguments, settings, caller, run_id, guard, started, state, probe)

    async def _run(
        self, skill: Skill, parsed: BaseModel, arguments: dict[str, Any], settings: dict[str, Any],
        caller: Caller, run_id: str | None, guard: LoopGuard | None, started: float,
        state: dict[str, Any] | None, probe: bool,
    ) -> CallResult:
        call = _Call(skill, arguments, caller, run_id, started, state, probe)
        kwargs = {p: getattr(parsed, p) for p in skill.params}
        attempt, prev_error = 0, None
        while True:
            if guard is not None and attempt:  # retries are the same action again (the call itself is recorded)
                guard.record(skill.name, arguments)
            ctx = SkillContext(
                db=self.store, http=self.http, clock=self.clock, settings=settings, module_id=skill.module_id,
                skill_name=skill.name, caller=caller, run_id=run_id, retry=attempt, prev_error=prev_error,
            )
            call.attempt, call.prev_error = attempt, prev_error
            output, kind, message, retryable = await self._attempt(call, ctx, kwargs)
            if kind is None or not retryable or attempt >= self.max_retries:
                break
            attempt += 1
            prev_error = message
            log.info("retrying %s (%s/%s) after %s: %s", skill.name, attempt, self.max_retries, kind, message)
            await asyncio.sleep(self.retry_delay_s * attempt)
        if kind is not None:  # a success was recorded with its effect, inside _attempt
            async with self.store.transaction() as tx:
                await self._record(tx, call, None, kind, message, evaluation.score(kind))
        return CallResult(
            skill=skill.name, ok=kind is None, output=output, error_kind=kind,
            message=message if kind is not None else "", outcome=call.outcome, attempts=attempt + 1,
            duration_ms=call.duration_ms, activity_id=call.activity_id,
            events=[e for e, _ in ctx.events] if kind is None else [],  # a failed attempt's events rolled back
        )

    async def _attempt(
        self, call: _Call, ctx: SkillContext, kwargs: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, ErrorKind | None, str, bool]:
        skill = call.skill
        # The timeout covers the handler only: not the wait for the write lock (queueing behind
        # other calls is not the skill's fault), nor the bookkeeping after an outbound effect
        # (a timeout there would retry, and so repeat, an effect that already happened).
        try:
            if skill.transactional and not skill.hints.read_only:
                # The activity row commits in the same transaction as the effect: there is
                # never an effect without its log row, nor a log row for a rolled-back effect.
                async with self.store.transaction() as tx:
                    ctx.db = tx
                    async with asyncio.timeout(skill.timeout_s):
                        output = await self._invoke(skill, ctx, kwargs)
                    await self._record(tx, call, output, None, "", evaluation.score(None, ctx.outcome))
            else:
                # Read-only and outbound skills hold no write transaction while they run.
                async with asyncio.timeout(skill.timeout_s):
                    output = await self._invoke(skill, ctx, kwargs)
                outcome = evaluation.score(None, ctx.outcome)
                if self._needs_bookkeeping(call, None):
                    async with self.store.transaction() as tx:
                        await self._record(tx, call, output, None, "", outcome)
                else:  # hot path: one autocommit INSERT, atomic on its own, on the spot when it can be
                    await self._record(self._immediate, call, output, None, "", outcome)
            return output, None, "", False
        except Exception as exc:  # classified once, at the edge
            return None, *edge.classify(skill, exc)

    @staticmethod
    async def _invoke(skill: Skill, ctx: SkillContext, kwargs: dict[str, Any]) -> dict[str, Any]:
        result = await skill.handler(ctx, **kwargs)
        if not isinstance(result, skill.output_model):
            result = skill.output_model.model_validate(result)
        return result.model_dump(mode="json")

    def _needs_bookkeeping(self, call: _Call, kind: ErrorKind | None) -> bool:
        """Whether recording this call touches more than the activity row."""
        state = call.state
        dirty = state is not None and (state["consecutive_failures"] or state["breaker"] != "closed"
                                       or state["consecutive_hard_negatives"])
        notify = call.caller == "pilot" and call.skill.trust == "notify"
        return kind is not None or call.probe or bool(dirty) or notify or call.skill.name in self._unclean

    async def _record(
        self, db: Database, call: _Call, output: dict[str, Any] | None, kind: ErrorKind | None, message: str,
        outcome: str,
    ) -> None:
        """Write the activity row and the breaker / escalation / notify bookkeeping for one call."""
        skill = call.skill
        call.outcome = outcome
        call.duration_ms = (time.perf_counter() - call.started) * 1000
        recorded = (
            {**call.arguments, "_retry": call.attempt, "_prev_error": call.prev_error}
            if call.attempt else call.arguments
        )
        call.activity_id = await activity.write(
            db, ts=self._now(), caller=call.caller, run_id=call.run_id, skill=skill.name, module_id=skill.module_id,
            arguments=recorded, output_summary=activity.summarize(output) if output is not None else None,
            status="ok" if kind is None else "error", outcome=outcome, error_kind=kind, error=message or None,
            duration_ms=call.duration_ms, attempts=call.attempt + 1,
        )
        if not self._needs_bookkeeping(call, kind):
            return
        now = self.clock.now()
        if kind is None or breaker.counts_as_failure(kind):
            await breaker.record(db, skill.name, failed=kind is not None, now=now, probe=call.probe)
            await escalation.record(db, skill.name, hard_negative=evaluation.is_hard_gate(kind), kind=kind, now=now)
            if kind is None:
                self._unclean.discard(skill.name)
            else:
                self._unclean.add(skill.name)
        elif call.probe:  # the probe said nothing about the skill's health: the next call probes
            await breaker.release(db, skill.name, now)
        if kind is None and call.caller == "pilot" and skill.trust == "notify":
            await notify_admin(db, kind="agent_action", title=f"The agent ran {skill.name}",
                               body=f"Arguments: {dumps(activity.redact(call.arguments))}\n"
                                    f"Result: {activity.summarize(output)}", now=now)

    @staticmethod
    async def _ask(skill: Skill, parsed: BaseModel, confirm: Confirmer | None) -> CallResult | str | None:
        """Put a valid, runnable approve-trust call to the person once. Returns how they said yes, a
        ``refused:`` message, a CallResult carrying the question to hand back, or None (no one to ask)."""
        if confirm is None:
            return None
        request = ConfirmRequest(skill, parsed.model_dump(mode="json", exclude={CONFIRM_FIELD}))
        answer = await confirm(request)
        if answer.verdict == "confirmed":
            return answer.via or "confirmed"
        if answer.verdict == "ask":  # the answer comes with the next request: nothing happened yet
            return CallResult(skill.name, False, error_kind=ErrorKind.APPROVAL_REQUIRED, outcome="neutral",
                              message=confirmation_message(skill), question=answer.question)
        if answer.verdict == "unavailable":
            return None
        return "refused:" + request.refusal(answer.verdict)

    async def _state(self, name: str) -> dict[str, Any] | None:
        # Read fresh on every call (a pause or `skills resume` from another process counts at once),
        # without the thread hop when the store can answer on the spot.
        rows = self.store.peek(CALL_STATE_SQL, (name,))
        return (rows[0] if rows else None) if rows is not None else await self.store.fetchone(CALL_STATE_SQL, (name,))

    def _availability(self, skill: Skill, row: dict[str, Any] | None) -> tuple[ErrorKind, str] | None:
        if row is None or not row["module_enabled"]:
            return ErrorKind.SKILL_DISABLED, (
                f"{skill.name} belongs to module '{skill.module_id}', which is not enabled. "
                f"Enable it with: pilothouse modules enable {skill.module_id}"
            )
        if row["paused_reason"]:
            return ErrorKind.SKILL_PAUSED, (
                f"{skill.name} is paused: {row['paused_reason']}. "
                f"A person can resume it with: pilothouse skills resume {skill.name}"
            )
        if not row["enabled"]:
            return ErrorKind.SKILL_DISABLED, f"{skill.name} is disabled on this instance."
        return None

    def _unknown_message(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self.registry.skills), n=3, cutoff=0.6)
        hint = f" Did you mean: {', '.join(close)}?" if close else " Use search_skills to find one."
        return f"unknown skill {name!r}.{hint}"

    async def _queue_approval(
        self, skill: Skill, parsed: BaseModel, arguments: dict[str, Any], run_id: str | None, caller: Caller,
        started: float,
    ) -> CallResult:
        """Queue the call for a person, once per skill and normalized arguments (a repeat is that request)."""
        now = self.clock.now()
        # Normalized through the input model: defaults filled in, keys sorted (dumps), the confirm flag dropped.
        normalized = dumps(parsed.model_dump(mode="json", exclude={CONFIRM_FIELD}))
        expires_at = (now + APPROVAL_TTL).isoformat(timespec="seconds")
        async with self.store.transaction() as tx:
            approval_id, new = await approvals.queue(
                tx, skill=skill.name, arguments=normalized, run_id=run_id, requested_by=caller,
                requested_at=now.isoformat(timespec="seconds"), expires_at=expires_at)
            message = (f"approval_required: {skill.name} needs a person's approval; queued as approval #{approval_id} "
                       "(expires in 48 h). It will run on the next heartbeat after approval. Do not call it again."
                       if new else f"approval_required: {skill.name} with these arguments is already waiting for a "
                       f"person as approval #{approval_id}. Do not call it again.")
            if new and caller != "pilot":  # the heartbeat tells the admin about the agent's own requests
                await approval_requested(tx, approval_id=approval_id, skill=skill.name, arguments=normalized,
                                         who=WHO[caller], expires_at=expires_at, now=now)
            duration = (time.perf_counter() - started) * 1000
            activity_id = await activity.write(
                tx, ts=self._now(), caller=caller, run_id=run_id, skill=skill.name, module_id=skill.module_id,
                arguments=arguments, output_summary=None, status="pending", outcome="too_early",
                error_kind=ErrorKind.APPROVAL_REQUIRED, error=message, duration_ms=duration, attempts=0,
            )
        return CallResult(skill.name, False, error_kind=ErrorKind.APPROVAL_REQUIRED, message=message,
                          outcome="too_early", duration_ms=duration, activity_id=activity_id,
                          approval_id=approval_id)

    async def _refuse(
        self, name: str, skill: Skill | None, arguments: dict[str, Any], caller: Caller, run_id: str | None,
        started: float, kind: ErrorKind, message: str,
    ) -> CallResult:
        duration = (time.perf_counter() - started) * 1000
        async with self.store.transaction() as tx:
            activity_id = await activity.write(
                tx, ts=self._now(), caller=caller, run_id=run_id, skill=name,
                module_id=skill.module_id if skill else None, arguments=arguments, output_summary=None,
                status="error", outcome="neutral", error_kind=kind, error=message, duration_ms=duration, attempts=0,
            )
        return CallResult(name, False, error_kind=kind, message=message, outcome="neutral",
                          duration_ms=duration, activity_id=activity_id)

    def _now(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

