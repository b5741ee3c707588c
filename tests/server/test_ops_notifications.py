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
from server.scheduler.service import Scheduler
from server.testing import FakeClock, McpHarness, http_receiver, smtp_sink

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def webhooks_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receivers here listen on 127.0.0.1: the operator's switch for private webhook targets."""
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


async def ticks(clock: FakeClock, scheduler: Scheduler, n: int) -> None:
    for _ in range(n):
        clock.advance(minutes=1)
        await scheduler.tick()


@pytest.mark.usefixtures("business")  # invoices go out with the seller's identity
async def test_an_auto_pause_reaches_the_operator_and_the_skill_is_resumed_over_mcp(
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
            await mcp.call("webhooks_create_endpoint", url=endpoint.url + "/hook", events=["invoice.*"])
            endpoint.answers = [401, 401, 401]  # the receiver's key was rotated: every delivery is refused
            draft = await mcp.call("invoicing_create_invoice", customer="Ada Ltd", customer_email="ada@example.com",
                                   lines=[{"description": "Audit", "quantity": 1, "unit_price_cents": 90_000}])
            await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
            # arm; refused at once, after 1 and after 2 more minutes (the delivery's backoff; the third refusal
            # pauses the skill); then the pause notice goes out
            await ticks(clock, scheduler, 6)

            # Over MCP: the notice, and the paused skill with its reason.
            [notice] = (await mcp.call("ops_list_notifications", unread_only=True))["items"]
            assert (notice["kind"], notice["title"]) == ("skill_paused", "Skill webhooks_dispatch_events was paused")
            problems = await mcp.call("ops_list_paused_skills")
            [paused] = problems["paused"]
            assert paused["name"] == "webhooks_dispatch_events" and "3 consecutive hard-gate failures" in paused[
                "reason"]
            assert [b["name"] for b in problems["open_breakers"]] == ["webhooks_dispatch_events"]

            # From the CLI, on the same database (another process would do the same).
            code = await anyio.to_thread.run_sync(main, ["--db", str(app_db), "notifications", "list"])
            listed = capsys.readouterr().out
            assert code == 0 and f"#{notice['id']}" in listed and "skill_paused  (unread)" in listed
            assert "pilothouse skills resume webhooks_dispatch_events" in listed

            # Delivered to the administrator's address and webhook, with the agent off.
            mail = [m for m in sink.messages if m["To"] == "owner@example.com"]
            assert [m["Subject"] for m in mail] == ["[Pilothouse] Skill webhooks_dispatch_events was paused"]
            [alert] = alerts.requests
            assert alert.path == "/alerts" and json.loads(alert.body)["kind"] == "skill_paused"

            # The person fixed the receiver; they resume the skill over MCP (approve trust: confirmed once).
            assert "confirmation_required" in await mcp.error("ops_resume_skill", name="webhooks_dispatch_events")
            resumed = await mcp.call("ops_resume_skill", name="webhooks_dispatch_events", confirm=True)
            assert resumed["was_paused"] is True
            assert (await mcp.call("ops_list_paused_skills"))["paused"] == []
            await ticks(clock, scheduler, 4)  # the delivery's next attempt comes at its backoff time (4 min)
            assert [r.path for r in endpoint.requests] == ["/hook"] * 4  # three refused, then delivered
            assert (await mcp.call("ops_mark_notifications_read", all_unread=True))["marked"] == 1
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
