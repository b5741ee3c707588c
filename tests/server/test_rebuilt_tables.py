"""Core step 12 rebuilds five tables (a CHECK changes, ids must never be reused): every row and id is kept,
and the next id follows them, on SQLite and on an existing PostgreSQL database alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.app import open_store
from server.assembly import open_app
from server.schema import CORE_MIGRATIONS

pytestmark = pytest.mark.anyio

BEFORE = [step for step in CORE_MIGRATIONS if step[0] <= 10]  # a database as the previous release left it


async def _rebuilt_ids_follow(target: str | Path) -> None:
    store = await open_store(target)
    await store.migrate("core", BEFORE)
    await store.execute("INSERT INTO outbox (id, channel, recipient, body, created_at, status) VALUES "
                        "(41, 'email', 'a@b.io', 'x', '2026-01-01', 'sent')")
    await store.execute("INSERT INTO approvals (id, skill, arguments, requested_at, expires_at, status) VALUES "
                        "(7, 'crm_create_lead', '{}', '2026-01-01', '2026-01-03', 'executed')")
    await store.execute("INSERT INTO notifications (id, kind, title, body, created_at) VALUES "
                        "(12, 'k', 't', 'b', '2026-01-01')")
    await store.execute("INSERT INTO ai_usage (id, ts, provider, model, tier, status) VALUES "
                        "(99, '2026-01-01', 'openai', 'm', 'fast', 'ok')")
    await store.execute("INSERT INTO modules (id, enabled, version, changed_at) VALUES ('email', 1, '1.0.0', 'now')")
    await store.execute("INSERT INTO automations (id, module_id, name, trigger, config, skill, executor) VALUES "
                        "(5, 'email', 'Deliver the outbox', 'cron', '{}', 'email_deliver_outbox', 'platform')")
    await store.close()
    async with open_app(target) as app:
        store = app.store
        assert await store.fetchval("SELECT status FROM approvals WHERE id = 7") == "executed"
        for table, sql, first_new in (
                ("outbox", "INSERT INTO outbox (channel, recipient, body, created_at) VALUES ('email', 'c@d.io', 'y', "
                           "'2026-01-02')", 42),
                ("approvals", "INSERT INTO approvals (skill, arguments, requested_at, expires_at) VALUES "
                              "('crm_create_lead', '{\"x\": 1}', '2026-01-02', '2026-01-04')", 8),
                ("notifications", "INSERT INTO notifications (kind, title, body, created_at) VALUES "
                                  "('k', 't', 'b', '2026-01-02')", 13),
                ("ai_usage", "INSERT INTO ai_usage (ts, provider, model, tier, status) VALUES "
                             "('2026-01-02', 'openai', 'm', 'fast', 'ok')", 100)):
            assert (await store.execute(sql)).lastrowid == first_new, table
        skills = {r["skill"] for r in await store.fetchall("SELECT skill FROM automations")}
        assert "email_deliver_outbox" not in skills  # delivery is every process's loop now, not an automation
        new = await store.execute("INSERT INTO automations (module_id, name, trigger, config, skill, executor) VALUES "
                                  "('email', 'Other', 'cron', '{}', 'email_send', 'platform')")
        assert new.lastrowid is not None and new.lastrowid > 5


@pytest.mark.sqlite_only(reason="the SQLite file; the PostgreSQL case is the next test")
async def test_the_rebuilt_tables_keep_their_ids_on_sqlite(tmp_path: Path) -> None:
    await _rebuilt_ids_follow(tmp_path / "old.db")


async def test_the_rebuilt_tables_keep_their_ids_on_postgresql(pg_database: str) -> None:
    await _rebuilt_ids_follow(pg_database)
