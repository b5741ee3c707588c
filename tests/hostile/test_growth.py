"""Growth is bounded: old activity folds into daily summaries, old events, runs and heartbeats go,
stored arguments are capped; and a consistent backup can be taken and put back."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import cast

import pytest
from mcp_types import RequestParamsMeta

from server import instance_lock, jobs
from server.app import App
from server.cli.main import main
from server.retention import apply
from server.tables import activity, notifications
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def test_old_activity_is_folded_into_daily_summaries(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    first_day = clock.now().date().isoformat()
    lead = await mcp.call("crm_create_lead", email="old@acme.io")
    await mcp.error("crm_get_lead", lead_id=999)
    old_event = await app.store.fetchval("SELECT MAX(id) FROM events")
    clock.advance(days=100)
    await mcp.call("crm_get_lead", lead_id=lead["id"])
    report = await apply(app.store, clock.now(), days=90)
    assert (report.folded_days, report.activity_rows, report.events) == (1, 2, 1)
    assert [r["skill"] for r in await activity.recent(app.store)] == ["crm_get_lead"]  # the recent call, in full
    trend = {(r["day"], r["skill"]): r for r in await activity.daily(app.store, first_day)}
    folded = trend[(first_day, "crm_get_lead")]
    assert (folded["calls"], folded["ok"], folded["errors"]) == (1, 0, 1)
    assert trend[(first_day, "crm_create_lead")]["ok"] == 1
    assert trend[(clock.now().date().isoformat(), "crm_get_lead")]["ok"] == 1  # today's, from the rows kept
    await mcp.call("crm_create_lead", email="new@acme.io")
    assert await app.store.fetchval("SELECT MIN(id) FROM events") > old_event  # ids go on, never reused
    again = await apply(app.store, clock.now(), days=90)
    assert (again.activity_rows, again.events) == (0, 0)


async def test_retention_is_a_daily_platform_job(app: App, mcp: McpHarness, clock: FakeClock,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    await mcp.call("crm_create_lead", email="old@acme.io")
    clock.advance(days=31)
    monkeypatch.setenv("PILOTHOUSE_RETENTION_DAYS", "30")
    async def agent_off() -> bool:
        return False

    status = await jobs.platform_actions(agent_off)["retention"](app, None)  # type: ignore[arg-type]
    assert status.startswith("ok: kept 30 days in full; folded 1 activity rows")
    monkeypatch.setenv("PILOTHOUSE_RETENTION_DAYS", "0")
    assert "retention off" in await jobs.platform_actions(agent_off)["retention"](app, None)  # type: ignore[arg-type]


async def test_a_huge_argument_is_stored_capped_and_marked(app: App, mcp: McpHarness) -> None:
    await mcp.call("crm_create_lead", email="big@acme.io", notes="n" * 90_000)
    [row] = await activity.recent(app.store, skill="crm_create_lead")
    stored = json.loads(row["input"])
    assert len(row["input"]) <= activity.INPUT_CHARS
    assert stored[activity.TRUNCATED].startswith("input of 90,") and stored["head"].startswith('{"email":"big@acme.io"')


def test_backup_while_writing_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, copy = tmp_path / "live.db", tmp_path / "copy.db"
    assert main(["--db", str(db), "call", "crm_create_lead", "--args", '{"email": "kept@acme.io"}']) == 0
    stop = threading.Event()

    def write() -> None:  # another connection writing all along, as a server would
        conn = sqlite3.connect(db, isolation_level=None)
        n = 0
        while not stop.is_set():
            conn.execute("INSERT INTO events (name, source, created_at) VALUES ('tick', 'test', ?)", (str(n),))
            n += 1
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert main(["--db", str(db), "backup", str(copy)]) == 0
    finally:
        stop.set()
        writer.join()
    assert "integrity ok" in capsys.readouterr().out
    assert main(["--db", str(db), "backup", str(copy)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["--db", str(db), "call", "crm_create_lead", "--args", '{"email": "lost@acme.io"}']) == 0
    with instance_lock.hold(db):  # a process works the database: restore refuses
        assert main(["--db", str(db), "restore", str(copy)]) == 2
        assert "a Pilothouse process is using" in capsys.readouterr().err
    assert main(["--db", str(db), "restore", str(copy)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "call", "crm_list_leads"]) == 0
    assert [lead["email"] for lead in json.loads(capsys.readouterr().out)["items"]] == ["kept@acme.io"]
    (tmp_path / "junk.db").write_text("not a database")
    assert main(["--db", str(db), "restore", str(tmp_path / "junk.db")]) == 2
    assert "not a Pilothouse database" in capsys.readouterr().err


async def test_retention_bounds_every_table_that_grows(app: App, mcp: McpHarness, clock: FakeClock,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Sent mail, delivered webhooks, read notifications, AI usage and idempotency keys go with age;
    what waits for a person (a dead letter, an unread notification) stays whatever its age."""
    from modules.webhooks.targets import ALLOW_PRIVATE_ENV
    from server.notify import notify_admin
    from server.providers import usage
    from server.testing import http_receiver, smtp_sink

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    async with smtp_sink() as sink, http_receiver() as receiver:
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port, "smtp_from": "a@b.io"})
        await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/h", events=["lead.*"])
        await mcp.call("crm_create_lead", email="old@acme.io")
        await mcp.call("email_send", confirm=True, to="old@acme.io", subject="Old news", body="Body")
        await mcp.call("email_send", confirm=True, to="gone@invalid.example", subject="Dead letter", body="Body")
        await app.store.execute("UPDATE outbox SET status = 'failed' WHERE subject = 'Dead letter'")
        await mcp.call("email_deliver_outbox")
        await mcp.call("webhooks_dispatch_events")
        async with app.store.transaction() as tx:
            for n in range(2):
                await notify_admin(tx, kind="test", title=f"note {n}", body="b", now=clock.now())
            await usage.record(tx, ts=clock.now().isoformat(timespec="seconds"), run_id=None, provider="openai",
                               model="m", tier="fast")
        await mcp.client.call_tool("crm_create_lead", {"email": "key@acme.io"}, meta=_key("k-1"))
    await mcp.call("ops_mark_notifications_read", ids=[1])
    clock.advance(days=100)
    report = await apply(app.store, clock.now(), days=90)
    assert (report.messages, report.deliveries, report.notifications, report.ai_usage, report.keys) == (1, 1, 1, 1, 1)
    assert report.events >= 1  # the lead's event went with its delivery
    left = await app.store.fetchall("SELECT subject, status FROM outbox")
    assert left == [{"subject": "Dead letter", "status": "failed"}]  # a dead letter waits for a person
    assert await notifications.unread_count(app.store) == 1
    assert "removed 1 sent messages, 1 webhook deliveries, 1 read notifications, 1 AI usage rows" in report.summary()


def _key(value: str, name: str = "idempotencyKey") -> RequestParamsMeta:
    """A request's ``_meta`` carrying an idempotency key, as a host sends it."""
    return cast(RequestParamsMeta, {name: value})
