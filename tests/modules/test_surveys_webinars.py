from __future__ import annotations

import pytest

from server.app import App
from server.testing import FakeClock, McpHarness

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
    # Each of the three got a confirmation when registering (one of them a waitlist place), then the cancellation.
    subjects = [r["subject"] for r in await app.store.fetchall(
        "SELECT subject FROM outbox WHERE purpose = ? ORDER BY id", (f"webinar:{webinar['id']}",))]
    assert subjects == ["Registered: Spring launch"] * 2 + ["Waitlisted: Spring launch"] + [
        "Cancelled: Spring launch"] * 3
    later = await mcp.call("webinars_schedule", title="Q&A", starts_at="2026-11-03T09:00:00+00:00", capacity=5)
    clock.advance(days=2)
    assert "already started" in await mcp.error("webinars_register", webinar_id=later["id"], email="x@example.com")
    assert "future time" in await mcp.error("webinars_schedule", title="Past", starts_at="2026-01-01T09:00:00+00:00",
                                            capacity=5)


async def _titles(mcp: McpHarness, **filters: object) -> list[str]:
    return [w["title"] for w in (await mcp.call("webinars_list", **filters))["items"]]


async def test_webinars_list_finds_upcoming_and_past_with_counts(mcp: McpHarness, clock: FakeClock) -> None:
    # Scheduled on Monday 09:00; by Wednesday two have been held and two are still ahead.
    early = await mcp.call("webinars_schedule", title="Monday wrap-up", starts_at="2026-11-02T15:00:00+00:00",
                           capacity=10)
    held = await mcp.call("webinars_schedule", title="Invoicing basics", starts_at="2026-11-03T16:00:00+00:00",
                          capacity=2)
    await mcp.call("webinars_schedule", title="Invoicing deep dive", starts_at="2026-11-20T16:00:00+00:00",
                   capacity=50)
    soon = await mcp.call("webinars_schedule", title="Reporting Q&A", starts_at="2026-11-10T16:00:00+00:00",
                          capacity=30)
    for i in range(3):
        await mcp.call("webinars_register", webinar_id=held["id"], email=f"p{i}@example.com")
    await mcp.call("webinars_register", webinar_id=soon["id"], email="p0@example.com")
    clock.advance(days=2)
    await mcp.call("webinars_check_in", webinar_id=held["id"], email="p1@example.com")

    assert await _titles(mcp, when="upcoming") == ["Reporting Q&A", "Invoicing deep dive"]  # soonest first
    assert await _titles(mcp, when="past") == ["Invoicing basics", "Monday wrap-up"]  # most recent first
    everything = await mcp.call("webinars_list")
    assert [w["title"] for w in everything["items"]] == [
        "Reporting Q&A", "Invoicing deep dive", "Invoicing basics", "Monday wrap-up"]
    assert everything["total"] == 4
    by_title = {w["title"]: w for w in everything["items"]}
    basics = by_title["Invoicing basics"]
    assert (basics["capacity"], basics["registered"], basics["waitlisted"], basics["seats_left"],
            basics["attended"]) == (2, 2, 1, 0, 1)
    assert by_title["Monday wrap-up"]["attended"] == 0  # held, nobody checked in
    qa = by_title["Reporting Q&A"]
    assert (qa["registered"], qa["seats_left"], qa["attended"]) == (1, 29, None)  # not held yet
    assert early["id"] == by_title["Monday wrap-up"]["id"]

    assert await _titles(mcp, title="INVOICING") == ["Invoicing deep dive", "Invoicing basics"]
    assert await _titles(mcp, when="past", title="invoicing") == ["Invoicing basics"]
    page = await mcp.call("webinars_list", limit=2, offset=1)
    assert ([w["title"] for w in page["items"]], page["total"], page["limit"], page["offset"]) == (
        ["Invoicing deep dive", "Invoicing basics"], 4, 2, 1)

    await mcp.call("webinars_cancel", webinar_id=soon["id"], reason="Speaker is ill.", confirm=True)
    assert await _titles(mcp, when="upcoming", status="scheduled") == ["Invoicing deep dive"]
    cancelled = (await mcp.call("webinars_list", status="cancelled"))["items"]
    assert [(w["title"], w["status"], w["attended"]) for w in cancelled] == [("Reporting Q&A", "cancelled", None)]
    assert "when" in await mcp.error("webinars_list", when="tomorrow")
    assert "webinars_list" in await mcp.error("webinars_attendance", webinar_id=999)


async def test_surveys_list_filters_pages_and_counts_responses(mcp: McpHarness, clock: FakeClock) -> None:
    ids = {}
    for title in ("Customer pulse, spring", "Onboarding feedback", "Customer pulse, autumn"):
        ids[title] = (await mcp.call("surveys_create", title=title, questions=QUESTIONS))["id"]
        clock.advance(days=1)
    for _ in range(3):
        await mcp.call("surveys_respond", survey_id=ids["Customer pulse, spring"],
                       answers={"channel": "ad", "liked": ["price"], "rating": 4, "nps": 9})
    await mcp.call("surveys_close", survey_id=ids["Customer pulse, spring"])

    listed = await mcp.call("surveys_list")
    assert [s["title"] for s in listed["items"]] == [  # newest first
        "Customer pulse, autumn", "Onboarding feedback", "Customer pulse, spring"]
    spring = listed["items"][2]
    assert (spring["status"], spring["responses"], spring["questions"], spring["last_response_at"]) == (
        "closed", 3, 5, "2026-11-05T09:00:00+00:00")
    assert (listed["items"][0]["responses"], listed["items"][0]["last_response_at"]) == (0, None)
    assert [s["title"] for s in (await mcp.call("surveys_list", status="open"))["items"]] == [
        "Customer pulse, autumn", "Onboarding feedback"]
    assert [s["id"] for s in (await mcp.call("surveys_list", title="PULSE", status="closed"))["items"]] == [
        ids["Customer pulse, spring"]]
    page = await mcp.call("surveys_list", title="pulse", limit=1, offset=1)
    assert ([s["title"] for s in page["items"]], page["total"]) == (["Customer pulse, spring"], 2)
    assert "status" in await mcp.error("surveys_list", status="draft")
    assert "surveys_list" in await mcp.error("surveys_results", survey_id=999)


async def test_text_answers_newest_first_filtered_and_paged(mcp: McpHarness, clock: FakeClock) -> None:
    survey = await mcp.call("surveys_create", title="Customer pulse", questions=QUESTIONS)
    base = {"channel": "search", "liked": ["speed"], "rating": 5, "nps": 10}
    for comment in ("Delivery was late once.", None, "Great support team", "   ", "Support answered in minutes"):
        await mcp.call("surveys_respond", survey_id=survey["id"],
                       answers=base if comment is None else {**base, "comment": comment})
        clock.advance(hours=1)

    page = await mcp.call("surveys_text_answers", survey_id=survey["id"], question="comment")
    # Skipped and blank answers are left out; the newest answer comes first.
    assert [a["answer"] for a in page["items"]] == [
        "Support answered in minutes", "Great support team", "Delivery was late once."]
    assert (page["total"], page["question"], page["question_text"]) == (3, "comment", "Anything else?")
    assert page["items"][0]["answered_at"] == "2026-11-02T13:00:00+00:00"
    support = await mcp.call("surveys_text_answers", survey_id=survey["id"], question="comment", contains="SUPPORT")
    assert [a["answer"] for a in support["items"]] == ["Support answered in minutes", "Great support team"]
    second = await mcp.call("surveys_text_answers", survey_id=survey["id"], question="comment", limit=1, offset=1)
    assert ([a["answer"] for a in second["items"]], second["total"]) == (["Great support team"], 3)
    assert (await mcp.call("surveys_text_answers", survey_id=survey["id"], question="comment",
                           contains="refund"))["items"] == []

    not_text = await mcp.error("surveys_text_answers", survey_id=survey["id"], question="nps")
    assert "'nps' is not a text question" in not_text and "its text questions: comment" in not_text
    unknown = await mcp.error("surveys_text_answers", survey_id=survey["id"], question="feedback")
    assert "has no question 'feedback'" in unknown and "its text questions: comment" in unknown
    missing = await mcp.error("surveys_text_answers", survey_id=999, question="comment")
    assert "no survey with id 999" in missing and "surveys_list" in missing
    no_text = await mcp.call("surveys_create", title="Quick poll", questions=QUESTIONS[:2])
    assert "has no text questions" in await mcp.error("surveys_text_answers", survey_id=no_text["id"],
                                                      question="channel")
