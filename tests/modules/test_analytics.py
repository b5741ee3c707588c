from __future__ import annotations

import pytest

from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def test_top_pages_and_sources(mcp: McpHarness, clock: FakeClock) -> None:
    await mcp.call("analytics_record_view", path="/old", session_id="s-old")
    clock.advance(days=10)
    for session, path, referrer in (("sess-1", "/", None), ("sess-1", "/pricing", "https://www.google.com/search?q=x"),
                                    ("sess-2", "/pricing", "https://news.example.org/post"), ("sess-3", "/", None)):
        await mcp.call("analytics_record_view", path=path, session_id=session, referrer=referrer)
    top = await mcp.call("analytics_top_pages", days=7)
    assert [(p["path"], p["views"], p["visitors"]) for p in top["pages"]] == [("/", 2, 2), ("/pricing", 2, 2)]
    sources = await mcp.call("analytics_traffic_sources", days=7)
    assert sources["total"] == 4
    assert {s["source"]: s["share"] for s in sources["sources"]} == {
        "direct": 0.5, "google.com": 0.25, "news.example.org": 0.25}
    assert "'path'" in await mcp.error("analytics_record_view", path="no-slash", session_id="s123")


async def test_weekly_digest_counts_events_from_every_module(mcp: McpHarness, clock: FakeClock) -> None:
    for i in range(4):
        await mcp.call("analytics_record_view", path="/", session_id=f"old{i}")
    clock.advance(days=7, hours=1)
    for i in range(6):
        await mcp.call("analytics_record_view", path="/", session_id=f"new{i % 3}")
    await mcp.call("crm_create_lead", email="a@acme.io")
    await mcp.call("crm_create_lead", email="b@acme.io")
    await mcp.call("support_open_ticket", subject="Help me", customer_email="c@acme.io", body="Please")
    digest = await mcp.call("analytics_weekly_digest")
    assert (digest["page_views"], digest["visitors"], digest["previous_page_views"]) == (6, 3, 4)
    assert digest["events"]["lead.created"] == 2 and digest["events"]["ticket.opened"] == 1
    assert digest["summary"] == ("This week: 6 page views from 3 visitors (+50% on the week before); "
                                 "2 new leads; 1 tickets opened.")
