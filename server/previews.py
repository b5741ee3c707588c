"""Previews: what a call would do, computed without side effects (the contract is skills/preview.py).

    compute(store, clock, skill, values)   the skill's hook, or the generic preview
    dry_run(store, clock, skill, ...)      the same for a caller who asked, recorded as a ``dry_run`` row

Requests queued for a person carry one (server/trust/requests.py), so the cockpit, `approvals list`,
the notification and the MCP App say what approving does. The hook runs on a read-only view of
the store: reads pass, and any write (``execute``, ``executemany``) raises, so a hook cannot change
a thing even by mistake; it has no network (``ctx.http`` refuses) and no model (``ctx.ai`` is
NoAi). A hook that fails gives the generic preview with a note: a request is never lost because its
preview could not be made.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from server.tables import activity
from skills import Clock, Preview, Skill, SkillContext, SkillError, consequence
from skills.context import Database, Params, Row, WriteResult
from skills.contract import CONFIRM_FIELD

log = logging.getLogger(__name__)

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_NAMES = ("number", "title", "name", "subject", "email", "customer", "party", "filename")
VALUE_CHARS = 60


class PreviewWrite(RuntimeError):
    """A preview tried to change something: previews only read."""


class ReadOnly:
    """The store as a preview sees it: every read, no write."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await self._db.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._db.fetchall(sql, params)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        return await self._db.fetchval(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> WriteResult:
        raise PreviewWrite(f"a preview only reads; it tried: {sql.split()[0] if sql.split() else sql}")

    async def executemany(self, sql: str, rows: Sequence[Params]) -> WriteResult:
        raise PreviewWrite("a preview only reads; it tried to write rows")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        yield self


class _NoNetwork(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise PreviewWrite(f"a preview makes no network call; it tried {request.method} {request.url.host}")


_offline: httpx.AsyncClient | None = None


def _no_network() -> httpx.AsyncClient:
    global _offline
    if _offline is None:  # holds no connection: its transport refuses every request
        _offline = httpx.AsyncClient(transport=_NoNetwork())
    return _offline


async def compute(store: Database, clock: Clock, skill: Skill, values: Mapping[str, Any],
                  settings: Mapping[str, Any] | None = None, caller: str = "cli") -> Preview:
    """What calling ``skill`` with ``values`` (its validated parameters) would do, now."""
    db = ReadOnly(store)
    if skill.preview is not None:
        ctx = SkillContext(db=db, http=_no_network(), clock=clock, settings=settings or {}, module_id=skill.module_id,
                           skill_name=skill.name, caller=caller)
        try:
            return await skill.preview(ctx, **values)
        except SkillError as exc:  # what the call itself would answer: said as the preview's note
            fallback = await generic(db, skill, values)
            return fallback.model_copy(update={"note": f"the call would be refused: {exc}"})
        except Exception as exc:
            log.exception("preview of %s failed", skill.name)
            fallback = await generic(db, skill, values)
            return fallback.model_copy(update={"note": f"its own preview failed ({type(exc).__name__}); shown: "
                                                       "what the arguments name"})
    return await generic(db, skill, values)


async def generic(db: Database, skill: Skill, values: Mapping[str, Any]) -> Preview:
    """The title with the arguments in words, and each record the skill's ``targets`` name."""
    words = plain(values)
    lines = []
    for param, table in skill.targets:
        value = values.get(param)
        if value is None or not _IDENTIFIER.match(table):
            continue
        row = await db.fetchone(f"SELECT * FROM {table} WHERE id = ?", (value,))
        noun = table_noun(table)
        if row is None:
            lines.append(consequence(f"{noun} #{value} does not exist"))
            continue
        label, detail = row_label(table, row)
        lines.append(consequence(f"{label}{f' ({detail})' if detail else ''}", table, int(value), label))
    return Preview(summary=f"{skill.title}: {words}" if words else skill.title, lines=lines)


def plain(values: Mapping[str, Any]) -> str:
    """Arguments in words: ``email ada@example.com, amount 1200``; lists and objects summarized."""
    parts = []
    for key, value in values.items():
        if key == CONFIRM_FIELD or value is None or value == "" or value == [] or value == {}:
            continue
        if isinstance(value, list):
            shown = f"{len(value)} item{'' if len(value) == 1 else 's'}"
        elif isinstance(value, dict):
            shown = ", ".join(f"{k}={v}" for k, v in value.items())
        else:
            shown = str(value)
        if len(shown) > VALUE_CHARS:
            shown = shown[: VALUE_CHARS - 1] + "…"
        parts.append(f"{key.replace('_', ' ')} {shown}")
    return ", ".join(parts)


def table_noun(table: str) -> str:
    """``invoicing_invoices`` -> ``invoice``, ``orders`` -> ``order``."""
    last = table.rsplit("_", 1)[-1]
    return last[:-1] if last.endswith("s") and not last.endswith("ss") else last


def row_label(table: str, row: Row) -> tuple[str, str]:
    """How a person names a row (``invoice INV-2026-0007``) and a few words about it (customer, status)."""
    noun = table_noun(table)
    names = [str(row[k]) for k in _NAMES if row.get(k)]
    label = f"{noun} {names[0]}" if names else f"{noun} #{row.get('id')}"
    detail = [*names[1:2], *([str(row["status"])] if row.get("status") else [])]
    return label, ", ".join(detail)


@dataclass(frozen=True, slots=True)
class DryRun:
    preview: Preview
    activity_id: int
    duration_ms: float


async def dry_run(store: Any, clock: Clock, skill: Skill, values: Mapping[str, Any], arguments: dict[str, Any], *,
                  caller: str, run_id: str | None, started: float, settings: Mapping[str, Any]) -> DryRun:
    """A caller's dry run: the preview, recorded as its own outcome (``dry_run``; nothing ran)."""
    shown = await compute(store, clock, skill, values, settings, caller)
    duration = (time.perf_counter() - started) * 1000
    async with store.transaction() as tx:
        activity_id = await activity.write(
            tx, ts=clock.now().isoformat(timespec="seconds"), caller=caller, run_id=run_id, skill=skill.name,
            module_id=skill.module_id, arguments=arguments, output_summary=activity.summarize(shown.summary),
            status="ok", outcome="dry_run", error_kind=None, error=None, duration_ms=duration, attempts=0)
    return DryRun(shown, activity_id, duration)


def stored(preview: Preview) -> str:
    """The preview as a request keeps it (``approvals.preview``)."""
    return json.dumps(preview.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def loaded(text: str | None) -> Preview | None:
    """A stored preview, or None (a request queued before previews existed, or unreadable)."""
    if not text:
        return None
    try:
        return Preview.model_validate_json(text)
    except ValueError:
        return None
