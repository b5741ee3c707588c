"""Manual mode (Pattern 1): with the agent never enabled, the platform's own work still runs.

A person's actions imply work the platform does for them (deliver the invoice they sent,
publish the post they scheduled); `serve` does it on its scheduler ticks and delivery passes
whether or not the agent is on. Only the agent's own work (heartbeat, learn, dunning) waits for
the agent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from mcp import Client

from server.app import App
from server.assembly import Process, scheduler_for
from server.delivery_loop import DeliveryLoop
from server.scheduler.automations import dispatch
from server.scheduler.service import Scheduler
from server.testing import FakeClock, McpHarness, SmtpSink, smtp_sink

pytestmark = pytest.mark.anyio


@pytest.fixture
async def sink() -> AsyncIterator[SmtpSink]:
    async with smtp_sink() as running:
        yield running


@pytest.fixture
async def serve(app: App, sink: SmtpSink) -> AsyncIterator[tuple[McpHarness, Scheduler]]:
    """What `pilothouse serve` runs on an instance whose agent was never enabled: its MCP surface, its
    scheduler, which has ticked once (at start-up), and its delivery loop. The email module points at
    the SMTP sink."""
    await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                          "smtp_from": "billing@example.com"})
    process = Process.assemble(app)
    scheduler = scheduler_for(app)
    await scheduler.tick()
    async with Client(process.surface.server, raise_exceptions=True) as client:
        yield McpHarness(client), scheduler


async def ticks(clock: FakeClock, scheduler: Scheduler, n: int) -> list[str]:
    """``n`` scheduler ticks, a minute apart, each with a pass of the delivery loop; what ran."""
    ran: list[str] = []
    delivery = DeliveryLoop(scheduler.app)
    for _ in range(n):
        clock.advance(minutes=1)
        ran += [e.schedule for e in await scheduler.tick()]
        ran += [f"delivery:{r.skill}" for r in await delivery.deliver()]
    return ran


async def post_status(app: App, post_id: int) -> str:
    return str(await app.store.fetchval("SELECT status FROM blog_posts WHERE id = ?", (post_id,)))


@pytest.mark.usefixtures("business")  # invoices go out with the seller's identity
async def test_an_invoice_sent_by_hand_reaches_the_customer_without_the_agent(
        app: App, clock: FakeClock, sink: SmtpSink, serve: tuple[McpHarness, Scheduler]) -> None:
    mcp, scheduler = serve
    assert not await app.modules.is_enabled("pilot")
    draft = await mcp.call("invoicing_create_invoice", customer="Ada Ltd", customer_email="ada@example.com",
                           lines=[{"description": "Consulting", "quantity": 2, "unit_price_cents": 50_000}])
    sent = await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    assert sent["status"] == "sent"

    ran = await ticks(clock, scheduler, 1)  # the next delivery pass sends it (every 5 s in a running serve)
    assert [(m["To"], m["Subject"]) for m in sink.messages] == [
        ("ada@example.com", f"Invoice {sent['number']} from Harbor Lane Studio")]
    assert "delivery:email_deliver_outbox" in ran and "heartbeat" not in ran and "learn" not in ran
    assert await app.store.fetchval("SELECT COUNT(*) FROM heartbeats") == 0


async def test_a_scheduled_post_publishes_without_the_agent(
        app: App, clock: FakeClock, serve: tuple[McpHarness, Scheduler]) -> None:
    mcp, scheduler = serve
    post = await mcp.call("blog_create_post", title="Launch day", body="We are live.")
    when = (clock.now() + timedelta(minutes=3)).isoformat()
    await mcp.call("blog_schedule_post", post_id=post["id"], publish_at=when)
    await ticks(clock, scheduler, 2)
    assert await post_status(app, post["id"]) == "scheduled"  # not yet its time
    await ticks(clock, scheduler, 4)
    assert await post_status(app, post["id"]) == "published"


@pytest.mark.usefixtures("business")  # invoices go out with the seller's identity
async def test_the_platform_marks_an_invoice_overdue_but_only_the_agent_chases_it(
        app: App, clock: FakeClock, sink: SmtpSink, serve: tuple[McpHarness, Scheduler]) -> None:
    """Marking an invoice overdue at its due date is platform work; dunning the customer decides something
    on the owner's behalf, so that agent automation waits for the agent."""
    mcp, scheduler = serve
    draft = await mcp.call("invoicing_create_invoice", customer="Ada Ltd", customer_email="ada@example.com",
                           terms_days=0, lines=[{"description": "Audit", "quantity": 1, "unit_price_cents": 90_000}])
    await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    clock.current = clock.current + timedelta(days=1) - timedelta(minutes=3)  # overnight: Tuesday 08:57
    await ticks(clock, scheduler, 5)  # through the 09:00 overdue check
    [overdue] = (await mcp.call("invoicing_list", status="overdue"))["items"]
    assert overdue["id"] == draft["id"]
    automations = {r["name"]: r for r in await app.store.fetchall("SELECT name, executor, last_run FROM automations")}
    assert automations["Overdue check"]["last_run"] and automations["Dunning reminders"]["executor"] == "pilot"
    assert automations["Dunning reminders"]["last_run"] is None
    # No reminder went out: only the invoice.
    assert [m["Subject"] for m in sink.messages] == [f"Invoice {overdue['number']} from Harbor Lane Studio"]


async def test_with_the_agent_off_every_platform_automation_runs_and_no_agent_one(app: App, clock: FakeClock) -> None:
    """The built-in modules' declarations, as a person sees them: everything due runs except the agent's."""
    due = (clock.now() - timedelta(seconds=30)).isoformat(timespec="seconds")
    await app.store.execute("UPDATE automations SET next_run = ? WHERE trigger = 'cron'", (due,))
    rows = await app.store.fetchall("SELECT skill, executor, trigger FROM automations WHERE enabled = 1")
    fired = {skill for _, skill, _ in (await dispatch(app, agent_on=False)).fired}
    assert fired == {r["skill"] for r in rows if r["executor"] == "platform" and r["trigger"] == "cron"}
    agents = {r["skill"] for r in rows if r["executor"] == "pilot"}
    assert agents == {"invoicing_send_reminders", "analytics_weekly_digest"} and not agents & fired
