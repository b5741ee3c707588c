"""`pilothouse seed-demo` for the people-facing modules: webinars, surveys, timesheets, expenses.

A newcomer asks by chat right after seeding; each module's own report skills must show a living
business, and seeding must reach nobody (no email queued, no event emitted, no webhook endpoint).
"""

from __future__ import annotations

import pytest

from server.app import App
from server.demo import seed_demo
from server.testing import McpHarness

pytestmark = pytest.mark.anyio

PEOPLE_MODULES = {"webinars", "surveys", "timesheets", "expenses"}


async def _seed(app: App) -> None:
    seeded, _ = await seed_demo(app)
    assert PEOPLE_MODULES <= set(seeded)


async def _ids(app: App, table: str) -> dict[str, int]:
    return {r["title"]: r["id"] for r in await app.store.fetchall(f"SELECT id, title FROM {table} ORDER BY id")}


async def test_seeding_reaches_nobody_and_happens_once(app: App, mcp: McpHarness) -> None:
    await _seed(app)
    sources = ", ".join(f"'{m}'" for m in PEOPLE_MODULES)
    assert await app.store.fetchval(f"SELECT COUNT(*) FROM events WHERE source IN ({sources})") == 0
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == 0
    # Webhooks get no demo endpoint: it would point at a host nobody owns (see the report).
    assert (await mcp.call("webhooks_list_endpoints"))["total"] == 0
    before = await mcp.call("expenses_list")
    seeded, skipped = await seed_demo(app)
    assert not PEOPLE_MODULES & set(seeded) and PEOPLE_MODULES <= set(skipped)
    assert (await mcp.call("expenses_list"))["total"] == before["total"]


async def test_webinars_one_held_with_no_shows_and_two_ahead(app: App, mcp: McpHarness) -> None:
    await _seed(app)
    ids = await _ids(app, "webinars")
    held = await mcp.call("webinars_attendance", webinar_id=ids["Getting started with automated invoicing"])
    assert (held["registered"], held["attended"], held["rate"]) == (10, 7, 0.7)
    assert len(held["no_shows"]) == 3
    ahead = await mcp.call("webinars_attendance", webinar_id=ids["Quarter-end reporting in 30 minutes"])
    assert (ahead["registered"], ahead["attended"]) == (7, 0)
    # The held one takes no more sign-ups; the upcoming ones do, and the full workshop waitlists.
    assert "already started" in await mcp.error("webinars_register", webinar_id=held["webinar_id"],
                                                email="late@newco.example")
    joined = await mcp.call("webinars_register", webinar_id=ahead["webinar_id"], email="new@newco.example")
    assert joined["status"] == "registered"
    workshop = ids["Hands-on workshop: your first automation"]
    assert (await mcp.call("webinars_register", webinar_id=workshop, email="new@newco.example"))["status"] == \
        "waitlisted"


async def test_surveys_show_an_nps_and_a_closed_feedback_round(app: App, mcp: McpHarness) -> None:
    await _seed(app)
    ids = await _ids(app, "surveys")
    results = await mcp.call("surveys_results", survey_id=ids["Customer satisfaction, autumn"])
    assert results["responses"] == 12
    by_key = {q["key"]: q for q in results["questions"]}
    assert by_key["recommend"]["nps"] == 42  # 7 promoters, 2 detractors of 12
    assert by_key["support"]["average"] == 3.92
    assert sum(by_key["plan"]["counts"].values()) == 12
    assert by_key["improve"]["counts"]["reporting"] == 6
    feedback = ids["Feedback: Getting started with automated invoicing"]
    assert (await mcp.call("surveys_results", survey_id=feedback))["responses"] == 5
    assert "closed" in await mcp.error("surveys_respond", survey_id=feedback,
                                       answers={"useful": 5, "next_topic": "reporting"})


async def test_timesheets_show_last_weeks_hours_one_sheet_submitted(app: App, mcp: McpHarness) -> None:
    await _seed(app)  # the clock says Monday 2026-11-02, 09:00: last week is 2026-10-26..11-01
    report = await mcp.call("timesheets_utilization", date_from="2026-10-26", date_to="2026-11-01")
    people = {p["person"]: p for p in report["people"]}
    assert (people["Ana Costa"]["billable_hours"], people["Ana Costa"]["other_hours"]) == (30, 3)
    assert (people["Jonas Weber"]["billable_hours"], people["Jonas Weber"]["other_hours"]) == (26.5, 2)
    ana = await mcp.call("timesheets_week", person="Ana Costa", week_of="2026-10-28")
    assert ana["submitted"] and ana["total_hours"] == 33
    assert ana["days"]["2026-10-26"] == 7 and ana["days"]["2026-10-31"] == 0
    assert len({e["project_id"] for e in ana["entries"]}) == 2
    jonas = await mcp.call("timesheets_week", person="Jonas Weber", week_of="2026-10-26")
    assert not jonas["submitted"] and jonas["total_hours"] == 28.5
    # Ana's week is locked; nothing of this week is logged before it was worked (it is 09:00 Monday).
    assert "locked" in await mcp.error("timesheets_log", person="Ana Costa", project_id=ana["entries"][0]["project_id"],
                                       started_at="2026-10-31T09:00:00+00:00", ended_at="2026-10-31T10:00:00+00:00")
    today = await mcp.call("timesheets_week", person="Ana Costa", week_of="2026-11-02")
    assert today["entries"] == []
    assert (await mcp.call("timesheets_submit_week", person="Jonas Weber", week_of="2026-10-26"))["submitted"]


async def test_expenses_in_every_state_and_last_months_totals(app: App, mcp: McpHarness) -> None:
    await _seed(app)
    claims = (await mcp.call("expenses_list"))["items"]
    assert {c["status"] for c in claims} == {"submitted", "approved", "rejected", "reimbursed"}
    assert all(c["spent_on"] <= "2026-11-02" for c in claims)
    rejected = (await mcp.call("expenses_list", status="rejected"))["items"]
    assert rejected and all(c["note"] for c in rejected)
    october = await mcp.call("expenses_monthly_totals", month="2026-10")
    assert october["by_category"] == {"marketing": 12_000, "meals": 7_350, "software": 4_500, "travel": 51_540}
    assert (october["total_cents"], october["reimbursed_cents"]) == (75_390, 30_490)
    waiting = (await mcp.call("expenses_list", status="submitted"))["items"]
    approved = await mcp.call("expenses_decide", confirm=True, expense_id=waiting[0]["id"], action="approve")
    assert approved["status"] == "approved"
