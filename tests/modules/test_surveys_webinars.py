from __future__ import annotations

import pytest

from server.app import App
from tests.support import FakeClock, McpHarness

pytestmark = pytest.mark.anyio

QUESTIONS = [
    {"key": "channel", "text": "How did you find us?", "type": "single", "options": ["search", "friend", "ad"]},
    {"key": "liked", "text": "What did you like?", "type": "multiple", "options": ["price", "speed", "support"]},
    {"key": "rating", "text": "Rate the delivery", "type": "rating"},
    {"key": "nps", "text": "Would you recommend us?", "type": "nps"},
    {"key": "comment", "text": "Anything else?", "type": "text", "required": False},
]


async def test_responses_are_validated_and_results_include_nps(mcp: McpHarness) -> None:
    survey = await mcp.call("surveys_create", title="Customer pulse", questions=QUESTIONS)
    message = await mcp.error("surveys_respond", survey_id=survey["id"],
                              answers={"channel": "tv", "liked": [], "rating": 6, "nps": 11, "extra": 1})
    for part in ("'extra' is not a question", "'channel' must be one of", "'rating' must be a rating",
                 "'nps' must be a score", "'liked' must be a non-empty list"):
        assert part in message
    for channel, liked, rating, nps in (("search", ["price"], 5, 10), ("friend", ["price", "speed"], 4, 9),
                                        ("search", ["support"], 3, 6), ("ad", ["speed"], 4, 8)):
        await mcp.call("surveys_respond", survey_id=survey["id"],
                       answers={"channel": channel, "liked": liked, "rating": rating, "nps": nps})
    results = {q["key"]: q for q in (await mcp.call("surveys_results", survey_id=survey["id"]))["questions"]}
    assert results["channel"]["counts"] == {"search": 2, "friend": 1, "ad": 1}
    assert results["liked"]["counts"] == {"price": 2, "speed": 2, "support": 1}
    assert results["rating"]["average"] == 4.0
    assert results["nps"]["nps"] == 25  # 2 promoters, 1 detractor of 4
    await mcp.call("surveys_close", survey_id=survey["id"])
    assert "closed" in await mcp.error("surveys_respond", survey_id=survey["id"], answers={})


async def test_webinar_capacity_waitlist_attendance_and_cancel(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    webinar = await mcp.call("webinars_schedule", title="Spring launch", starts_at="2026-11-10T16:00:00+00:00",
                             capacity=2)
    statuses = [(await mcp.call("webinars_register", webinar_id=webinar["id"], email=f"p{i}@example.com"))["status"]
                for i in range(3)]
    assert statuses == ["registered", "registered", "waitlisted"]
    assert "already registered" in await mcp.error("webinars_register", webinar_id=webinar["id"],
                                                   email="p0@example.com")
    assert "waitlist" in await mcp.error("webinars_check_in", webinar_id=webinar["id"], email="p2@example.com")
    await mcp.call("webinars_check_in", webinar_id=webinar["id"], email="p0@example.com")
    report = await mcp.call("webinars_attendance", webinar_id=webinar["id"])
    assert (report["registered"], report["attended"], report["rate"], report["no_shows"]) == (
        2, 1, 0.5, ["p1@example.com"])
    cancelled = await mcp.call("webinars_cancel", webinar_id=webinar["id"], reason="Speaker is ill.", confirm=True)
    assert cancelled["status"] == "cancelled"
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE purpose = ?", (f"webinar:{webinar['id']}",)) == 3
    later = await mcp.call("webinars_schedule", title="Q&A", starts_at="2026-11-03T09:00:00+00:00", capacity=5)
    clock.advance(days=2)
    assert "already started" in await mcp.error("webinars_register", webinar_id=later["id"], email="x@example.com")
    assert "future time" in await mcp.error("webinars_schedule", title="Past", starts_at="2026-01-01T09:00:00+00:00",
                                            capacity=5)
