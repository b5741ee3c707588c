from __future__ import annotations

import pytest

from server.app import App
from server.testing import McpHarness

pytestmark = pytest.mark.anyio


async def test_companies_are_unique_and_searchable(mcp: McpHarness) -> None:
    acme = await mcp.call("crm_create_company", name="Acme", domain="acme.io", size=120)
    await mcp.call("crm_create_company", name="Globex", domain="globex.example")
    message = await mcp.error("crm_create_company", name="ACME")
    assert f"(id {acme['id']})" in message
    found = await mcp.call("crm_list_companies", query="acme")
    assert [c["name"] for c in found["items"]] == ["Acme"] and found["total"] == 1


async def test_qualification_scores_and_promotes_strong_leads(mcp: McpHarness) -> None:
    acme = await mcp.call("crm_create_company", name="Acme", size=120)
    strong = await mcp.call("crm_create_lead", email="cto@acme.io", name="Ana", company_id=acme["id"],
                            source="referral", notes="Budget approved, wants a demo")
    weak = await mcp.call("crm_create_lead", email="someone@gmail.com")
    result = await mcp.call("crm_qualify_leads")
    assert result == {"scored": 2, "qualified": [strong["id"]]}
    # name 10 + company 15 + size>=50 20 + referral 25 + business mail 15 + two intent words 10
    assert (await mcp.call("crm_get_lead", lead_id=strong["id"]))["score"] == 95
    weak_now = await mcp.call("crm_get_lead", lead_id=weak["id"])
    assert weak_now["score"] == 5 and weak_now["status"] == "new"
    assert (await mcp.call("crm_list_leads", min_score=50))["total"] == 1


async def test_lead_validation_leaves_nothing_behind(app: App, mcp: McpHarness) -> None:
    assert "'email'" in await mcp.error("crm_create_lead", email="no-at-sign")
    assert "no company with id 42" in await mcp.error("crm_create_lead", email="a@b.io", company_id=42)
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 0
    assert await app.store.fetchval("SELECT COUNT(*) FROM events WHERE name = 'lead.created'") == 0


async def test_lead_status_follows_its_transitions(mcp: McpHarness) -> None:
    lead = await mcp.call("crm_create_lead", email="flow@acme.io")
    message = await mcp.error("crm_set_lead_status", lead_id=lead["id"], status="converted")
    assert "cannot move to converted" in message and "Allowed: contacted, lost, qualified" in message
    await mcp.call("crm_set_lead_status", lead_id=lead["id"], status="qualified")
    converted = await mcp.call("crm_set_lead_status", lead_id=lead["id"], status="converted")
    assert converted["status"] == "converted"
    assert "none (final)" in await mcp.error("crm_set_lead_status", lead_id=lead["id"], status="lost")


async def test_list_leads_filters_and_paginates(mcp: McpHarness) -> None:
    for i in range(5):
        await mcp.call("crm_create_lead", email=f"p{i}@acme.io", name=f"Person {i}")
    page = await mcp.call("crm_list_leads", limit=2, offset=2)
    assert page["total"] == 5 and [lead["email"] for lead in page["items"]] == ["p2@acme.io", "p1@acme.io"]
    assert (await mcp.call("crm_list_leads", query="Person 3"))["total"] == 1
    assert (await mcp.call("crm_list_leads", status="lost"))["total"] == 0


async def test_deal_pipeline_rules_and_forecast(mcp: McpHarness) -> None:
    big = await mcp.call("crm_create_deal", title="Big", value_cents=100_000)
    small = await mcp.call("crm_create_deal", title="Small", value_cents=20_000)
    assert "greater than or equal to 0" in await mcp.error("crm_create_deal", title="Neg", value_cents=-1)
    await mcp.call("crm_move_deal", deal_id=big["id"], stage="negotiation")
    message = await mcp.error("crm_move_deal", deal_id=big["id"], stage="prospect")
    assert "back only one step, to proposal" in message
    await mcp.call("crm_move_deal", deal_id=small["id"], stage="lost")
    assert "already lost" in await mcp.error("crm_move_deal", deal_id=small["id"], stage="won")
    summary = await mcp.call("crm_pipeline_summary")
    stages = {s["stage"]: s for s in summary["stages"]}
    assert stages["negotiation"]["weighted_cents"] == 75_000
    assert summary["open_value_cents"] == 100_000 and summary["forecast_cents"] == 75_000
    assert summary["win_rate"] == 0.0
