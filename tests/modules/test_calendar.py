from __future__ import annotations

import pytest

from modules.calendar.ics import fold
from server.testing import McpHarness

pytestmark = pytest.mark.anyio


async def test_events_conflicts_and_ics_export(mcp: McpHarness) -> None:
    long_title = "Quarterly review; budget, hiring and the new warehouse in Zürich — " * 2
    review = await mcp.call("calendar_create_event", title=long_title, starts_at="2026-11-03T10:00:00+01:00",
                            ends_at="2026-11-03T11:30:00+01:00", location="HQ, room 1",
                            attendees=["ada@example.com"])
    assert review["starts_at"] == "2026-11-03T09:00:00+00:00"  # stored in UTC
    await mcp.call("calendar_create_event", title="Lunch", starts_at="2026-11-03T10:00:00+00:00",
                   ends_at="2026-11-03T11:00:00+00:00")
    await mcp.call("calendar_create_event", title="Back to back", starts_at="2026-11-03T11:00:00+00:00",
                   ends_at="2026-11-03T12:00:00+00:00")
    conflicts = (await mcp.call("calendar_find_conflicts", date_from="2026-11-03", date_to="2026-11-03"))["conflicts"]
    assert [(c["first"]["title"][:9], c["second"]["title"]) for c in conflicts] == [("Quarterly", "Lunch")]
    listed = await mcp.call("calendar_list_events", date_from="2026-11-03", date_to="2026-11-03")
    assert listed["total"] == 3

    exported = await mcp.call("calendar_export_ics", date_from="2026-11-03", date_to="2026-11-03")
    ics: str = exported["ics"]
    assert exported["events"] == 3
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and ics.endswith("END:VCALENDAR\r\n")
    lines = ics.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "\n" not in ics.replace("\r\n", "")
    unfolded = ics.replace("\r\n ", "")
    assert "DTSTART:20261103T090000Z" in unfolded and "LOCATION:HQ\\, room 1" in unfolded
    assert "SUMMARY:Quarterly review\\; budget\\, hiring and the new warehouse in Zürich" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 3 and "UID:event-1@pilothouse.local" in unfolded


async def test_booked_appointments_are_exported_too(mcp: McpHarness) -> None:
    service = await mcp.call("bookings_create_service", name="Fitting", duration_minutes=30)
    await mcp.call("bookings_set_hours", weekday="tuesday", opens="09:00", closes="12:00")
    await mcp.call("bookings_book", service_id=service["id"], starts_at="2026-11-03T09:30:00+00:00",
                   customer_name="Ada", customer_email="ada@example.com")
    ics = (await mcp.call("calendar_export_ics"))["ics"]
    assert "SUMMARY:Fitting: Ada" in ics and "UID:booking-1@pilothouse.local" in ics
    assert "Fitting" not in (await mcp.call("calendar_export_ics", include_bookings=False))["ics"]


async def test_bad_times_are_refused(mcp: McpHarness) -> None:
    message = await mcp.error("calendar_create_event", title="Backwards", starts_at="2026-11-03T10:00:00+00:00",
                              ends_at="2026-11-03T09:00:00+00:00")
    assert "must be after" in message
    assert "timezone" in await mcp.error("calendar_create_event", title="Naive", starts_at="2026-11-03T10:00:00",
                                         ends_at="2026-11-03T11:00:00")


def test_folding_never_splits_a_character() -> None:
    folded = fold("SUMMARY:" + "é" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "é" * 60
