"""The one path to a handler. MCP, the CLI, the reasoning loop and automations all call here.

    call -> L1 loop guard -> known? enabled? not paused? -> validate -> the gate (server/trust/gate.py:
            people-only skills refused to pilot/automation/system; the agent's writes in shadow mode
            proposed; the level is the owner's for the skill raised by its effects; the agent's outward
            calls after its run read outside content queued; approve: queued for a person from
            pilot/automation/system, mcp/cli: a person's yes, asked once, server/trust/consent.py)
         -> L1 breaker admission -> handler (timeout, transaction)
         -> L2 retry on retryable kinds (ctx.retry, ctx.prev_error) -> L4 score (what ctx.report said)
         -> activity row + L1 breaker + L3 escalation, in one transaction

Nothing here raises to the caller except ``LoopDetected`` (which ends a run); every other failure
is a ``CallResult`` with an error kind and a message that says what was wrong and how to fix it.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ValidationError

from server import module_settings, previews
from server.confirmation import Confirmer
from server.errors import LoopDetected
from server.notify import notify_admin
from server.outbound import MailReadiness
from server.providers.skill_ai import ChainAi
from server.registry import Registry
from server.resilience import breaker, edge, effects, evaluation, scoring
from server.resilience.loop_guard import LoopGuard
from server.storage_errors import SkipWhenFull
from server.store import AnyStore, ImmediateWriter, dumps
from server.tables import activity
from server.tables.core import CORE
from server.tables.skill_state import CALL_STATE_SQL
from server.telemetry.calls import traced_call
from server.trust import consent, gate, outside, requests
from server.validation_errors import explain_validation
from skills import Cause, Clock, ErrorKind, Skill, SkillContext
from skills.context import Database, ProgressSink
from skills.contract import CONFIRM_FIELD
from skills.paging import missing_target

log = logging.getLogger(__name__)

Caller = Literal["mcp", "cli", "pilot", "automation", "system"]
MAX_RETRIES = 2
CONFIRMED_VIA = "_confirmed_via"  # on the activity row's input: how the person said yes


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
    trust: str = "auto"  # the effective level: the owner's choice, else the code's default
    who: str | None = None  # the caller's name: a token's, the local account's (server/access/principal.py)
    attempt: int = 0
    prev_error: str | None = None
    outcome: str = "success"
    duration_ms: float = 0.0
    activity_id: int | None = None
    note: str = ""  # a full disk: its activity row was skipped (SkipWhenFull)


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
    proposed: bool = False  # shadow mode: queued as a proposal instead of run
    events: list[str] = field(default_factory=list)
    question: Any = None  # a confirmation the caller must put to the person (Confirmation.question)
    note: str = ""  # said beside the answer (its activity row could not be written; only `confirm` said yes)
    fenced: str | None = None  # the agent's view of an output holding outside text (server/trust/outside.py)

    @property
    def text(self) -> str:
        """What a model or a person reads: the output as JSON (outside text fenced), or the error message."""
        if self.ok:
            return self.fenced or json.dumps(self.output, default=str, ensure_ascii=False)
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
        self._immediate = ImmediateWriter(store)
        self._outbound = MailReadiness()  # ctx.send says when mail cannot leave (server/outbound.py)

    @traced_call
    async def call(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        *,
        caller: Caller,
        run_id: str | None = None,
        guard: LoopGuard | None = None,
        approved: bool = False,
        confirm: Confirmer | None = None, cause: Cause | None = None, progress: ProgressSink | None = None,
        who: str | None = None, dry_run: bool = False,
    ) -> CallResult:
        """Run one call. ``confirm``: how a person is asked about an approve-level call or a people-only
        decision from chat or the CLI (None: server/trust/consent.py's fallback). ``cause``: the event
        an automation runs on (what the call emits descends from it). ``progress``: where the
        handler's ``ctx.report_progress`` goes (MCP progress notifications). ``who``: the caller's
        name (a token's, a person's), recorded beside its kind on the activity row. ``dry_run``: only say
        what the call would do (server/previews.py), whoever asks: its output is the preview."""
        started = time.perf_counter()
        arguments = dict(arguments or {})
        skill = self.registry.skills.get(name)
        if guard is not None:
            # Every call counts, refused ones too: an agent repeating a call that keeps being
            # refused (paused, circuit broken, invalid) is looping just the same.
            try:
                guard.check(name, arguments)
            except LoopDetected as exc:
                await self._refuse(name, skill, arguments, caller, run_id, started, ErrorKind.LOOP_DETECTED, str(exc),
                                   who=who)
                raise
            guard.record(name, arguments)
        if skill is None:
            return await self._refuse(name, None, arguments, caller, run_id, started,
                                      ErrorKind.UNKNOWN_SKILL, self._unknown_message(name), who=who)
        row = await self._state(name)
        refusal = self._availability(skill, row)
        if refusal is not None:
            return await self._refuse(name, skill, arguments, caller, run_id, started, *refusal, who=who)
        assert row is not None
        try:
            parsed = skill.input_model.model_validate(arguments)
        except ValidationError as exc:
            return await self._refuse(name, skill, arguments, caller, run_id, started,
                                      ErrorKind.VALIDATION, explain_validation(skill, exc), who=who)
        trust = row["trust_override"] or skill.trust  # read fresh per call, like the pause
        settings = module_settings.effective(self.registry.module_of(name), row["settings"])
        if dry_run:
            values = {p: getattr(parsed, p) for p in skill.params}
            shown = await previews.dry_run(self.store, self.clock, skill, values, arguments, caller=caller,
                                           run_id=run_id, started=started, settings=settings)
            return CallResult(name, True, output=shown.preview.model_dump(mode="json"), outcome="dry_run",
                              duration_ms=shown.duration_ms, activity_id=shown.activity_id)
        note = ""
        if not approved:  # the gate: server/trust/gate.py rules, server/trust/consent.py asks the person
            ruling = await gate.rule(self.store, self.registry.skills.values(), skill, dict(parsed), caller, run_id,
                                     trust)
            trust = ruling.level
            if ruling.action == "refuse":
                return await self._refuse(name, skill, arguments, caller, run_id, started, ErrorKind.SKILL_DISABLED,
                                          ruling.why, who=who)
            if ruling.action in ("queue", "ask") and (  # ask about what exists
                    gone := await missing_target(self.store, skill.targets, dict(parsed))):
                return await self._refuse(name, skill, arguments, caller, run_id, started, ErrorKind.VALIDATION, gone,
                                          who=who)
            if ruling.action in ("propose", "queue"):
                return await self._queue_approval(skill, parsed, arguments, run_id, caller, started, ruling)
            if ruling.action == "ask":
                agreed = await consent.obtain(self.store, self.registry.skills, skill, parsed, confirm, ruling)
                if agreed.question is not None:  # the answer comes with the next request: nothing happened yet
                    return CallResult(name, False, error_kind=ErrorKind.APPROVAL_REQUIRED, outcome="neutral",
                                      message=agreed.refusal or "", question=agreed.question)
                if agreed.refusal is not None:
                    return await self._refuse(name, skill, arguments, caller, run_id, started, agreed.kind,
                                              agreed.refusal, who=who)
                arguments, note = {**arguments, CONFIRMED_VIA: agreed.via}, agreed.note  # on the one activity row
        state = row if row["breaker"] is not None else None
        probe = False
        if state is not None and state["breaker"] != "closed":
            async with self.store.transaction() as tx:
                admission = await breaker.admit(tx, name, state, self.clock.now())
            if not admission.allowed:
                return await self._refuse(name, skill, arguments, caller, run_id, started,
                                          ErrorKind.CIRCUIT_BROKEN, admission.message, who=who)
            probe = admission.probe
        result = await self._run(skill, parsed, arguments, settings, caller, run_id, guard, started, state, probe,
                                 cause, trust, progress, who)
        if caller == "pilot" and result.ok:  # outside text the agent read: fenced, and its run held (trust/outside.py)
            fenced = await outside.contain(self.store, skill, result.output, run_id, result.activity_id, self._now())
            result = replace(result, fenced=fenced) if fenced else result
        return replace(result, note="\n".join(filter(None, (note, result.note)))) if note and result.ok else result

    async def _run(
        self, skill: Skill, parsed: BaseModel, arguments: dict[str, Any], settings: dict[str, Any],
        caller: Caller, run_id: str | None, guard: LoopGuard | None, started: float,
        state: dict[str, Any] | None, probe: bool, cause: Cause | None, trust: str,
        progress: ProgressSink | None = None, who: str | None = None,
    ) -> CallResult:
        call = _Call(skill, arguments, caller, run_id, started, state, probe, trust, who=who)
        kwargs = {p: getattr(parsed, p) for p in skill.params}
        attempt, prev_error = 0, None
        while True:
            if guard is not None and attempt:  # retries are the same action again (the call itself is recorded)
                guard.record(skill.name, arguments)
            ctx = SkillContext(
                db=self.store, http=self.http, clock=self.clock, settings=settings, module_id=skill.module_id,
                skill_name=skill.name, caller=caller, run_id=run_id, retry=attempt, prev_error=prev_error,
                cause=cause, progress=progress, caller_name=who, outbound=self._outbound,
                ai=ChainAi(self.store, self.clock, skill, run_id),  # ctx.ai: this skill first
                core=CORE,
            )
            call.attempt, call.prev_error = attempt, prev_error
            output, kind, message, retryable = await self._attempt(call, ctx, kwargs)
            if kind is None or not retryable or attempt >= self.max_retries:
                break
            attempt += 1
            prev_error = message
            log.info("retrying %s (%s/%s) after %s: %s", skill.name, attempt, self.max_retries, kind, message)
            await asyncio.sleep(self.retry_delay_s * attempt)
        reported = call.activity_id is not None  # recorded inside _attempt: a success or a reported failure
        if not reported:
            with SkipWhenFull() as disk:
                async with self.store.transaction() as tx:
                    await self._record(tx, call, None, kind, message, evaluation.score(kind))
            call.note = disk.note or call.note
        return CallResult(
            skill=skill.name, ok=kind is None, output=output, error_kind=kind,
            message=message if kind is not None else "", outcome=call.outcome, attempts=attempt + 1,
            duration_ms=call.duration_ms, activity_id=call.activity_id,  # the note: what the handler said beside
            note="\n".join(filter(None, [call.note, *(ctx.notes if kind is None else [])])),  # its answer, if kept
            events=[e for e, _ in ctx.events] if reported else [],  # a failed attempt's events rolled back
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
                    judged = effects.verdict(skill.name, ctx.effect, ctx.outcome)
                    await self._record(tx, call, output, judged.kind, judged.message, judged.outcome)
            else:
                # Read-only and outbound skills hold no write transaction while they run.
                async with asyncio.timeout(skill.timeout_s):
                    output = await self._invoke(skill, ctx, kwargs)
                judged = effects.verdict(skill.name, ctx.effect, ctx.outcome)
                with SkipWhenFull() as disk:
                    if self._needs_bookkeeping(call, judged.kind):
                        async with self.store.transaction() as tx:
                            await self._record(tx, call, output, judged.kind, judged.message, judged.outcome)
                    else:  # hot path: one autocommit INSERT, atomic on its own, on the spot when it can be
                        await self._record(self._immediate, call, output, None, "", judged.outcome)
                call.note = disk.note
            # A failure the handler reported is recorded (its writes kept) and never retried here.
            return output, judged.kind, judged.message, False
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
        notify = call.caller == "pilot" and call.trust == "notify"
        return (kind is not None or call.probe or bool(dirty) or notify or call.skill.expects_effect
                or call.skill.name in self._unclean)

    async def _record(
        self, db: Database, call: _Call, output: dict[str, Any] | None, kind: ErrorKind | None, message: str,
        outcome: str,
    ) -> None:
        """Write the activity row and the breaker / escalation / notify bookkeeping for one call."""
        skill = call.skill
        call.outcome = outcome
        call.duration_ms = (time.perf_counter() - call.started) * 1000
        recorded = ({**call.arguments, "_retry": call.attempt, "_prev_error": call.prev_error}
                    if call.attempt else call.arguments)
        call.activity_id = await activity.write(
            db, ts=self._now(), caller=call.caller, caller_name=call.who, run_id=call.run_id, skill=skill.name,
            module_id=skill.module_id,
            arguments=recorded, output_summary=activity.summarize(output) if output is not None else None,
            status="ok" if kind is None else "error", outcome=outcome, error_kind=kind, error=message or None,
            duration_ms=call.duration_ms, attempts=call.attempt + 1,
            counted_only=kind is None and activity.quiet(call.caller, "ok", outcome) and not skill.expects_effect
            and call.trust != "approve",  # a person approved it: never housekeeping
        )
        if not self._needs_bookkeeping(call, kind):
            return
        now = self.clock.now()
        if await scoring.settle(db, skill, kind=kind, outcome=outcome, probe=call.probe, now=now):
            (self._unclean.discard if kind is None else self._unclean.add)(skill.name)
        if kind is None and call.caller == "pilot" and call.trust == "notify":
            await notify_admin(db, kind="agent_action", key=skill.name, title=f"The agent ran {skill.name}",
                               body=f"Arguments: {dumps(activity.redact(call.arguments))}\n"
                                    f"Result: {activity.summarize(output)}", now=now)

    async def _state(self, name: str) -> dict[str, Any] | None:
        # Read fresh on every call (a pause or `skills resume` from another process counts at once),
        # without the thread hop when the store can answer on the spot.
        rows = self.store.peek(CALL_STATE_SQL, (name,))
        return (rows[0] if rows else None) if rows is not None else await self.store.fetchone(CALL_STATE_SQL, (name,))

    def _availability(self, skill: Skill, row: dict[str, Any] | None) -> tuple[ErrorKind, str] | None:
        if row is None or not row["module_enabled"]:
            return ErrorKind.SKILL_DISABLED, (
                f"{skill.name} belongs to module '{skill.module_id}', which is not enabled. "
                f"Enable it with: {self.registry.enable_command(skill.module_id)}"
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
        started: float, ruling: gate.Ruling,
    ) -> CallResult:
        """Queue the call for a person (an approval, or a proposal), once per skill and normalized
        arguments (a repeat is that request), with the outside content its run had read."""
        # Normalized through the input model: defaults filled in, keys sorted (dumps), the confirm flag dropped.
        normalized = dumps(parsed.model_dump(mode="json", exclude={CONFIRM_FIELD}))
        kind = "proposal" if ruling.action == "propose" else "approval"
        queued = await requests.queue(self.store, self.clock, skill, normalized,
                                      {p: getattr(parsed, p) for p in skill.params}, arguments, run_id, caller,
                                      started, kind, ruling.why, outside.snapshot(ruling.outside))
        return CallResult(skill.name, False, error_kind=ErrorKind.APPROVAL_REQUIRED, message=queued.message,
                          outcome="too_early", duration_ms=queued.duration_ms, activity_id=queued.activity_id,
                          approval_id=queued.request_id, proposed=kind == "proposal")

    async def _refuse(
        self, name: str, skill: Skill | None, arguments: dict[str, Any], caller: Caller, run_id: str | None,
        started: float, kind: ErrorKind, message: str, who: str | None = None,
    ) -> CallResult:
        duration = (time.perf_counter() - started) * 1000
        activity_id = None
        with SkipWhenFull() as disk:  # a refusal on a full disk still says why
            async with self.store.transaction() as tx:
                activity_id = await activity.write(
                    tx, ts=self._now(), caller=caller, caller_name=who, run_id=run_id, skill=name,
                    arguments=arguments,
                    module_id=skill.module_id if skill else None, output_summary=None, status="error",
                    outcome="neutral", error_kind=kind, error=message, duration_ms=duration, attempts=0)
        return CallResult(name, False, error_kind=kind, message=message, outcome="neutral",
                          duration_ms=duration, activity_id=activity_id, note=disk.note)

    def _now(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

