from __future__ import annotations

import pytest

from server.app import App
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def test_board_moves_and_milestone_progress(mcp: McpHarness, clock: FakeClock) -> None:
    project = await mcp.call("projects_create", name="Website refresh", client="Blue Harbor")
    launch = await mcp.call("projects_add_milestone", project_id=project["id"], title="Launch", due="2026-11-10")
    a = await mcp.call("projects_add_task", project_id=project["id"], title="Wireframes", estimate_hours=6,
                       milestone_id=launch["id"], due="2026-11-04")
    b = await mcp.call("projects_add_task", project_id=project["id"], title="Copy", estimate_hours=2,
                       milestone_id=launch["id"])
    await mcp.call("projects_move_task", task_id=a["id"], status="doing")
    await mcp.call("projects_move_task", task_id=a["id"], status="done")
    refused = await mcp.error("projects_move_task", task_id=a["id"], status="todo")
    assert "cannot move to todo. Allowed: doing" in refused
    progress = await mcp.call("projects_progress", project_id=project["id"])
    [milestone] = progress["milestones"]
    assert (milestone["progress"], milestone["done_hours"], milestone["total_hours"]) == (0.75, 6, 8)
    clock.advance(days=9)
    late = await mcp.call("projects_progress", project_id=project["id"])
    assert late["milestones"][0]["late"] is True and late["overdue_tasks"] == []
    await mcp.call("projects_move_task", task_id=b["id"], status="done")
    assert "has no milestone 99" in await mcp.error("projects_add_task", project_id=project["id"], title="Misc",
                                                    milestone_id=99)
    assert "already exists" in await mcp.error("projects_create", name="Website refresh")


async def test_time_logging_rules_week_and_utilization(app: App, mcp: McpHarness) -> None:
    project = await mcp.call("projects_create", name="Retainer")
    await mcp.call("timesheets_log", person="ada", project_id=project["id"], started_at="2026-11-03T09:00:00+00:00",
                   ended_at="2026-11-03T12:30:00+00:00")
    await mcp.call("timesheets_log", person="ada", project_id=project["id"], started_at="2026-11-03T13:00:00+00:00",
                   ended_at="2026-11-03T14:00:00+00:00", billable=False, note="internal meeting")
    assert "overlaps entry #1" in await mcp.error("timesheets_log", person="ada", project_id=project["id"],
                                                  started_at="2026-11-03T12:00:00+00:00",
                                                  ended_at="2026-11-03T13:00:00+00:00")
    assert "must be after" in await mcp.error("timesheets_log", person="ada", project_id=project["id"],
                                              started_at="2026-11-03T16:00:00+00:00",
                                              ended_at="2026-11-03T15:00:00+00:00")
    week = await mcp.call("timesheets_week", person="ada", week_of="2026-11-05")
    assert week["week_start"] == "2026-11-02" and week["days"]["2026-11-03"] == 4.5 and week["total_hours"] == 4.5
    report = await mcp.call("timesheets_utilization", date_from="2026-11-02", date_to="2026-11-08")
    assert report["people"] == [{"person": "ada", "billable_hours": 3.5, "other_hours": 1.0, "utilization": 0.778}]
    submitted = await mcp.call("timesheets_submit_week", person="ada", week_of="2026-11-03")
    assert submitted["submitted"] is True
    assert "locked" in await mcp.error("timesheets_log", person="ada", project_id=project["id"],
                                       started_at="2026-11-04T09:00:00+00:00", ended_at="2026-11-04T10:00:00+00:00")
    assert "already submitted" in await mcp.error("timesheets_submit_week", person="ada", week_of="2026-11-03")
    assert "no time logged" in await mcp.error("timesheets_submit_week", person="bob", week_of="2026-11-03")
    assert await app.store.fetchval("SELECT COUNT(*) FROM timesheets_entries") == 2
