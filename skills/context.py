"""What a handler gets to work with: the database, an HTTP client, a clock, its settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    import httpx

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


@dataclass
class SkillContext:
    """Passed as the first argument to every handler.

    ``retry`` is 0 on the first attempt and 1, 2 on the executor's retries; with
    ``prev_error`` it is how the seed's ``_retry`` / ``_prev_error`` reach a handler,
    so it can vary its parameters.
    """

    db: Database
    http: httpx.AsyncClient
    clock: Clock
    settings: Mapping[str, Any]
    module_id: str
    skill_name: str
    caller: str = "cli"
    run_id: str | None = None
    retry: int = 0
    prev_error: str | None = None
    outcome: Outcome | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    progress: ProgressSink | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def now_iso(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

    async def emit(self, event: str, payload: dict[str, Any]) -> None:
        """Record a domain event (``lead.created``...) in the same transaction as the write."""
        await self.db.execute(
            "INSERT INTO events (name, payload, source, created_at) VALUES (?, ?, ?, ?)",
            (event, _json(payload), self.module_id, self.now_iso()),
        )
        self.events.append((event, payload))

    async def enqueue_email(self, to: str, subject: str, body: str, *, purpose: str = "") -> int:
        """Queue an email in the outbox; the email module's delivery sends it over SMTP."""
        result = await self.db.execute(
            "INSERT INTO outbox (channel, recipient, subject, body, purpose, status, created_at) "
            "VALUES ('email', ?, ?, ?, ?, 'pending', ?)",
            (to, subject, body, purpose or self.skill_name, self.now_iso()),
        )
        assert result.lastrowid is not None
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


def _json(value: Any) -> str:
    import json

    return json.dumps(value, default=str, separators=(",", ":"))
