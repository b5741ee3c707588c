"""The operator hears about problems with the agent off: notifications, paused skills, resume (ops module)."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest
from mcp import Client

from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server.app import App
from server.assembly import Process, open_app, scheduler_for
from server.cli.main import main
from server.delivery_loop import DeliveryLoop
from server.resilience import escalation
from server.scheduler.service import Scheduler
from server.testing import FakeClock, McpHarness, http_receiver, smtp_sink

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def webhooks_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receivers here listen on 127.0.0.1: the operator's switch for private webhook targets."""
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


async def ticks(clock: FakeClock, scheduler: Scheduler, n: int) -> None:
    """``n`` minutes of what a process runs: a scheduler tick, a delivery pass and the delivery watch."""
    delivery = DeliveryLoop(scheduler.app)
    for _ in range(n):
        clock.advance(minutes=1)
        await scheduler.tick()
        await delivery.deliver()
        await delivery.watch()
        await delivery.deliver()  # the notifications the watch queued go out at once, as in a running loop


@pytest.mark.usefixtures("business")  # invoices go out with the seller's identity
async def test_a_failing_receiver_and_an_auto_pause_reach_the_operator_and_a_skill_is_resumed_over_mcp(
        app: App, app_db: str | Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PILOTHOUSE_ADMIN_EMAIL", "owner@example.com")
    async with smtp_sink() as sink, http_receiver() as endpoint, http_receiver() as alerts:
        monkeypatch.setenv("PILOTHOUSE_ADMIN_WEBHOOK", alerts.url + "/alerts")
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "pilothouse@example.com"})
        scheduler = scheduler_for(app)  # what `serve` runs beside MCP; the agent was never enabled
        await scheduler.tick()
        async with Client(Process.assemble(app).surface.server, raise_exceptions=True) as client:
            mcp = McpHarness(client)
            hook = await mcp.call("webhooks_create_endpoint", url=endpoint.url + "/hook", events=["invoice.*"])
            endpoint.answers = [401, 401, 401]  # the receiver's key was rotated: every delivery is refused
            draft = await mcp.call("invoicing_create_invoice", customer="Ada Ltd", customer_email="ada@example.com",
                                   lines=[{"description": "Audit", "quantity": 1, "unit_price_cents": 90_000}])
            await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
            await ticks(clock, scheduler, 6)  # refused at once, after 1 and after 2 more minutes (its backoff)

            # The refusal is the endpoint's: its circuit is open, the dispatcher runs on for everyone else.
            assert (await mcp.call("ops_list_paused_skills"))["paused"] == []
            [notice] = (await mcp.call("ops_list_notifications", unread_only=True))["items"]
            assert (notice["kind"], notice["title"]) == ("webhook_failing",
                                                         f"Webhook endpoint #{hook['id']} is failing")
            assert "auth_failed" in notice["body"] and "webhooks_set_endpoint_enabled" in notice["body"]

            # From the CLI, on the same database (another process would do the same).
            code = await anyio.to_thread.run_sync(main, ["--db", str(app_db), "notifications", "list"])
            listed = capsys.readouterr().out
            assert code == 0 and f"#{notice['id']}" in listed and "webhook_failing  (unread)" in listed

            # Delivered to the administrator's address and webhook, with the agent off.
            mail = [m for m in sink.messages if m["To"] == "owner@example.com"]
            assert [m["Subject"] for m in mail] == [f"[Pilothouse] Webhook endpoint #{hook['id']} is failing"]
            [alert] = alerts.requests
            assert alert.path == "/alerts" and json.loads(alert.body)["kind"] == "webhook_failing"

            # The person fixed the receiver; re-enabling the endpoint sends its queue on the next pass.
            await mcp.call("webhooks_set_endpoint_enabled", endpoint_id=hook["id"], enabled=True)
            await ticks(clock, scheduler, 1)
            assert [r.path for r in endpoint.requests] == ["/hook"] * 4  # three refused, then delivered

            # A skill's auto-pause (three hard-gate failures in a row, escalation's own bookkeeping) reaches the
            # operator the same way, and a person resumes it over MCP (approve trust: confirmed once).
            for _ in range(3):
                async with app.store.transaction() as tx:
                    await escalation.record(tx, "crm_qualify_leads", hard_negative=True, kind="auth_failed",
                                            now=clock.now())
            await ticks(clock, scheduler, 1)
            paused = await mcp.call("ops_list_notifications", kind="skill_paused")
            assert [n["title"] for n in paused["items"]] == ["Skill crm_qualify_leads was paused"]
            assert "[Pilothouse] Skill crm_qualify_leads was paused" in [m["Subject"] for m in sink.messages]
            [stopped] = (await mcp.call("ops_list_paused_skills"))["paused"]
            assert stopped["name"] == "crm_qualify_leads" and "3 consecutive hard-gate failures" in stopped["reason"]
            assert "confirmation_required" in await mcp.error("ops_resume_skill", name="crm_qualify_leads")
            resumed = await mcp.call("ops_resume_skill", name="crm_qualify_leads", confirm=True)
            assert resumed["was_paused"] is True
            assert (await mcp.call("ops_list_paused_skills"))["paused"] == []
            assert (await mcp.call("ops_mark_notifications_read", all_unread=True))["marked"] == 2
            assert (await mcp.call("ops_list_notifications", unread_only=True))["total"] == 0


async def test_notifications_cli_and_tools_refuse_what_they_cannot_do(
        app: App, app_db: str | Path, capsys: pytest.CaptureFixture[str]) -> None:
    async with Client(Process.assemble(app).surface.server, raise_exceptions=True) as client:
        mcp = McpHarness(client)
        assert "nothing to mark" in await mcp.error("ops_mark_notifications_read")
        assert "no notification #7" in await mcp.error("ops_mark_notifications_read", ids=[7])
        assert "no skill named 'crm_nope'" in await mcp.error("ops_resume_skill", name="crm_nope", confirm=True)
        assert (await mcp.call("ops_list_paused_skills"))["hint"] == "no skill is paused"
    db = str(app_db)

    def cli(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db, *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert await anyio.to_thread.run_sync(lambda: cli("notifications", "read")) == (
        2, "", "pilothouse: give notification IDs or --all (not both): pilothouse notifications read 3 4, or "
               "pilothouse notifications read --all\n")
    assert (await anyio.to_thread.run_sync(lambda: cli("notifications", "read", "7")))[2] == (
        "pilothouse: no notification #7; pilothouse notifications list shows them\n")
    assert (await anyio.to_thread.run_sync(lambda: cli("modules", "disable", "ops")))[2].startswith(
        "pilothouse: module 'ops' is always on")


async def test_the_ops_module_is_on_in_an_instance_older_than_it(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "old.db"
    async with open_app(db, clock=clock) as app:
        # As an instance created before ops existed: no row for the module or its skills.
        await app.store.execute("DELETE FROM skills WHERE module_id = 'ops'")
        await app.store.execute("DELETE FROM modules WHERE id = 'ops'")
    async with open_app(db, clock=clock) as app:
        assert await app.modules.is_enabled("ops")
        assert (await app.executor.call("ops_list_notifications", {}, caller="cli")).ok
