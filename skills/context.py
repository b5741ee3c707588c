"""What a handler gets to work with: the database, an HTTP client, a clock, its settings, a model."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from skills import outbox
from skills.ai import NoAi, SkillAi
from skills.messages import AlwaysReady, Email, Queued, Readiness, Webhook

if TYPE_CHECKING:
    import httpx

    from skills.errors import ErrorKind

Row = dict[str, Any]
Params = Sequence[Any] | Mapping[str, Any]
Outcome = Literal["success", "partial", "no_effect", "negative", "neutral", "too_early"]
# (done, total or None, message or None): how far a long skill got, for the caller to show.
ProgressSink = Callable[[float, float | None, str | None], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class WriteResult:
    rowcount: int
    lastrowid: int | None


class Database(Protocol):
    """The store as a handler sees it. Rows come back as plain dicts.

    Inside a transactional skill every statement already runs in one transaction
    that commits when the handler returns and rolls back when it raises, so a
    failure never leaves half-written state.
    """

    async def execute(self, sql: str, params: Params = ()) -> WriteResult: ...
    async def executemany(self, sql: str, rows: Sequence[Params]) -> WriteResult: ...
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...
    async def fetchval(self, sql: str, params: Params = ()) -> Any: ...
    def transaction(self) -> AbstractAsyncContextManager[Database]: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Effect:
    """What a call did, as its handler reports it (``ctx.report``): the executor scores from this.

    ``failure`` names how the outside system refused (``http_403``, ``auth_failed``...): when
    nothing was done, a hard-gate failure scores negative and feeds the auto-pause even though
    the handler returned normally.
    """

    done: int = 0
    failed: int = 0
    outcome: Outcome | None = None
    failure: ErrorKind | None = None
    detail: str = ""


class CoreTables(Protocol):
    """The runtime's own tables as a module writes to them: through their owners, never with its SQL.

    The executor hands in the server's implementation (server/tables/core.py); each call runs on the
    database it is given, so inside a skill it is part of the call's transaction.
    """

    async def record_event(self, db: Database, *, name: str, payload: dict[str, Any], source: str, at: str,
                           cause: Cause | None) -> int: ...
    async def write_memory(self, db: Database, *, key: str, value: str, category: str, at: str,
                           keep_as_last_good: bool) -> None: ...


class NoCoreTables:
    """A context built without a runtime (a handler called directly in a unit test) writes no core table."""

    async def record_event(self, db: Database, *, name: str, payload: dict[str, Any], source: str, at: str,
                           cause: Cause | None) -> int:
        raise RuntimeError(f"no runtime to record event {name!r}: call the skill through an instance "
                           "(pilothouse.testing.open_instance), not directly")

    async def write_memory(self, db: Database, *, key: str, value: str, category: str, at: str,
                           keep_as_last_good: bool) -> None:
        raise RuntimeError("no runtime to write the agent's memory: call the skill through an instance")


@dataclass(frozen=True, slots=True)
class Cause:
    """The event that started a call (an event automation's trigger): events it emits descend from it."""

    event_id: int
    root_id: int
    depth: int


@dataclass
class SkillContext:
    """Passed as the first argument to every handler.

    ``retry`` is 0 on the first attempt and 1, 2 on the executor's retries; with
    ``prev_error`` it is how the seed's ``_retry`` / ``_prev_error`` reach a handler,
    so it can vary its parameters. ``cause`` is the event an event automation ran on: what the
    call emits carries that event's root and one more level of depth (cascades are bounded).
    ``notes`` are said beside the call's answer (``ctx.send``: "queued, not sent: ..."); the
    executor hands in ``outbound``, which knows whether mail can leave now.
    """

    db: Database
    http: httpx.AsyncClient
    clock: Clock
    settings: Mapping[str, Any]
    module_id: str
    skill_name: str
    caller: str = "cli"
    caller_name: str | None = None  # who: a token's name, the local account; None for the agent and jobs
    run_id: str | None = None
    retry: int = 0
    prev_error: str | None = None
    outcome: Outcome | None = None
    effect: Effect | None = None
    cause: Cause | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # A model through the provider chain (skills/ai.py); the executor hands in the server's.
    ai: SkillAi = field(default_factory=NoAi)
    progress: ProgressSink | None = None
    # The runtime's tables (events, the agent's memory), written by their owners; the executor hands them in.
    core: CoreTables = field(default_factory=NoCoreTables)
    outbound: Readiness = field(default_factory=AlwaysReady)
    notes: list[str] = field(default_factory=list)
    _held: str | None = field(default=None, init=False, repr=False)  # asked once per call (a newsletter: many)

    def now(self) -> datetime:
        return self.clock.now()

    def now_iso(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

    async def emit(self, event: str, payload: dict[str, Any]) -> None:
        """Record a domain event (``lead.created``...) in the same transaction as the write; event
        automations (``Automation(trigger="event", config={"event": "lead.created"})``) run on it."""
        await self.core.record_event(self.db, name=event, payload=payload, source=self.module_id, at=self.now_iso(),
                                     cause=self.cause)
        self.events.append((event, payload))

    async def write_memory(self, key: str, value: str, *, category: str, keep_as_last_good: bool = False) -> None:
        """Store a note in the agent's memory (the agent's own module only), in the call's transaction;
        ``keep_as_last_good`` also moves a document's kept last good version (what health compares with)."""
        await self.core.write_memory(self.db, key=key, value=value, category=category, at=self.now_iso(),
                                     keep_as_last_good=keep_as_last_good)

    async def send(self, message: Email | Webhook) -> Queued:
        """Queue an outbound message in the outbox, in the call's transaction; delivery sends it.

        The message was checked when it was built (skills/messages.py): a bad header already failed
        this call. When mail cannot leave now (no mail server, the email module off, the server
        refusing), the receipt's ``held`` says why and the call's answer says it too, once.
        """
        queued = await outbox.enqueue(self.db, message, now=self.now_iso(), purpose=self.skill_name)
        if not isinstance(message, Email):
            return queued
        if self._held is None:
            self._held = await self.outbound.email(self.db)
            if self._held:
                self.notes.append(f"queued, not sent: {self._held}")
        held = self._held
        return Queued(queued.outbox_id, queued.message_id, held)

    async def report_progress(self, done: float, total: float | None = None, message: str | None = None) -> None:
        """Tell the caller how far a long skill got (MCP progress notifications); a no-op when nobody listens.

        Best effort: a client that went away never fails the skill.
        """
        if self.progress is None:
            return
        try:
            await self.progress(done, total, message)
        except Exception:  # the listener's failure is not the skill's
            return

    def set_outcome(self, outcome: Outcome) -> None:
        """Override the scored outcome of a successful call (e.g. ``no_effect``)."""
        self.outcome = outcome

    def report(self, *, done: int = 0, failed: int = 0, outcome: Outcome | None = None,
               failure: ErrorKind | None = None, detail: str = "") -> None:
        """Say what the call did: items ``done`` and ``failed``, and how the outside refused (``failure``).

        The outcome follows unless given: nothing either way is ``no_effect``, only failures
        ``negative`` (the call is recorded as failed, with ``failure`` as its kind), both ``partial``.
        """
        self.effect = Effect(done, failed, outcome, failure, detail)

