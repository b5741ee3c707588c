"""What a handler gets to work with: the database, an HTTP client, a clock, its settings, a model."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from skills.ai import NoAi, SkillAi

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


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with an email (an invoice's PDF)."""

    filename: str
    mime_type: str
    content: bytes = field(repr=False)


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

    def now(self) -> datetime:
        return self.clock.now()

    def now_iso(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

    async def emit(self, event: str, payload: dict[str, Any]) -> None:
        """Record a domain event (``lead.created``...) in the same transaction as the write."""
        root, depth = (self.cause.root_id, self.cause.depth + 1) if self.cause else (None, 0)
        await self.db.execute(
            "INSERT INTO events (name, payload, source, created_at, root_id, depth) VALUES (?, ?, ?, ?, ?, ?)",
            (event, _json(payload), self.module_id, self.now_iso(), root, depth),
        )
        self.events.append((event, payload))

    async def enqueue_email(self, to: str, subject: str, body: str, *, purpose: str = "", html: str | None = None,
                            sender_name: str | None = None, reply_to: str | None = None,
                            attachments: Sequence[Attachment] = ()) -> int:
        """Queue an email in the outbox; the email module's delivery sends it over SMTP.

        ``body`` is the plain-text part; with ``html`` the message is multipart/alternative. The
        sender's address is the SMTP server's (``smtp_from``) shown under ``sender_name``; replies
        go to ``reply_to``. Attachments are kept with the row, so a resend carries the same bytes.
        """
        result = await self.db.execute(
            "INSERT INTO outbox (channel, recipient, subject, body, purpose, status, created_at, html, sender_name, "
            "reply_to) VALUES ('email', ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
            (to, subject, body, purpose or self.skill_name, self.now_iso(), html, sender_name, reply_to),
        )
        assert result.lastrowid is not None
        if attachments:
            await self.db.executemany(
                "INSERT INTO outbox_attachments (outbox_id, filename, mime_type, content) VALUES (?, ?, ?, ?)",
                [(result.lastrowid, a.filename, a.mime_type, a.content) for a in attachments])
        return result.lastrowid

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


def _json(value: Any) -> str:
    import json

    return json.dumps(value, default=str, separators=(",", ":"))
