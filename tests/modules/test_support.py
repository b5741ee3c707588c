from __future__ import annotations

import pytest

from server.app import App
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def test_sla_due_times_follow_priority_and_a_reply_meets_them(mcp: McpHarness) -> None:
    urgent = await mcp.call("support_open_ticket", subject="Site is down", customer_email="a@acme.io",
                            body="Nothing loads", priority="urgent")
    low = await mcp.call("support_open_ticket", subject="Typo on page", customer_email="b@acme.io", body="Small",
                         priority="low")
    assert urgent["sla_due_at"] == "2026-11-02T13:00:00+00:00" and low["sla_due_at"] == "2026-11-05T09:00:00+00:00"
    replied = await mcp.call("support_reply", ticket_id=urgent["id"], body="Looking into it")
    assert replied["status"] == "pending" and replied["first_response_at"] == "2026-11-02T09:00:00+00:00"
    noted = await mcp.call("support_reply", ticket_id=low["id"], body="check CMS", internal=True)
    assert noted["first_response_at"] is None and noted["status"] == "open"
    listed = await mcp.call("support_list_tickets", status="open")
    assert [t["id"] for t in listed["items"]] == [low["id"]]


async def test_sla_check_flags_breaches_once(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    high = await mcp.call("support_open_ticket", subject="Refund missing", customer_email="c@acme.io",
                          body="Where is it?", priority="high")
    await mcp.call("support_open_ticket", subject="Question", customer_email="d@acme.io", body="Hello")
    clock.advance(hours=7, minutes=30)
    report = await mcp.call("support_check_sla")
    assert report["breached"] == [] and [t["id"] for t in report["at_risk"]] == [high["id"]]
    clock.advance(hours=1)
    assert [t["id"] for t in (await mcp.call("support_check_sla"))["breached"]] == [high["id"]]
    await mcp.call("support_check_sla")
    assert await app.store.fetchval("SELECT COUNT(*) FROM events WHERE name = 'ticket.sla_breached'") == 1


async def test_status_machine(mcp: McpHarness) -> None:
    ticket = await mcp.call("support_open_ticket", subject="Login issue", customer_email="e@acme.io", body="Help")
    assert "Allowed: pending, resolved" in await mcp.error("support_set_status", ticket_id=ticket["id"],
                                                           status="closed")
    resolved = await mcp.call("support_set_status", ticket_id=ticket["id"], status="resolved")
    assert resolved["resolved_at"] is not None
    await mcp.call("support_set_status", ticket_id=ticket["id"], status="closed")
    assert "is closed" in await mcp.error("support_reply", ticket_id=ticket["id"], body="One more thing")
    assert "none (final)" in await mcp.error("support_set_status", ticket_id=ticket["id"], status="open")
    assert "no ticket with id 99" in await mcp.error("support_reply", ticket_id=99, body="?")


async def test_a_ticket_reads_with_its_whole_thread(mcp: McpHarness) -> None:
    ticket = await mcp.call("support_open_ticket", subject="Broken zip", customer_email="ana@acme.io",
                            body="The download stops at 80 %.", priority="high")
    await mcp.call("support_reply", ticket_id=ticket["id"], body="Which browser?")
    await mcp.call("support_reply", ticket_id=ticket["id"], body="check the CDN logs", internal=True)
    read = await mcp.call("support_get_ticket", ticket_id=ticket["id"])
    assert (read["subject"], read["status"], read["replies"]) == ("Broken zip", "pending", 1)
    assert [(m["author"], m["body"]) for m in read["messages"]] == [
        ("customer", "The download stops at 80 %."), ("agent", "Which browser?"), ("note", "check the CDN logs")]
    assert "no ticket with id 99" in await mcp.error("support_get_ticket", ticket_id=99)
