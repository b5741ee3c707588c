from __future__ import annotations

import pytest

from server.app import App
from server.testing import McpHarness

pytestmark = pytest.mark.anyio

TUESDAY = "2026-11-03"  # the test clock starts on Monday 2026-11-02 09:00 UTC


async def _setup(mcp: McpHarness) -> int:
    service = await mcp.call("bookings_create_service", name="Consultation", duration_minutes=60, buffer_minutes=15)
    await mcp.call("bookings_set_hours", weekday="tuesday", opens="09:00", closes="13:00")
    service_id: int = service["id"]
    return service_id


async def test_slots_respect_hours_duration_and_buffer(mcp: McpHarness) -> None:
    service = await _setup(mcp)
    slots = (await mcp.call("bookings_available_slots", service_id=service, day=TUESDAY))["slots"]
    assert slots[0] == f"{TUESDAY}T09:00:00+00:00" and slots[-1] == f"{TUESDAY}T12:00:00+00:00" and len(slots) == 13
    await mcp.call("bookings_book", service_id=service, starts_at=f"{TUESDAY}T10:00:00+00:00",
                   customer_name="Ada", customer_email="ada@example.com")
    left = (await mcp.call("bookings_available_slots", service_id=service, day=TUESDAY))["slots"]
    # 10:00-11:00 plus a 15 minute buffer is taken, and nothing of 75 minutes fits before 10:00.
    assert [s[11:16] for s in left] == ["11:15", "11:30", "11:45", "12:00"]
    closed = await mcp.call("bookings_available_slots", service_id=service, day="2026-11-04")
    assert closed["slots"] == []


async def test_double_booking_is_refused_with_the_nearest_free_slots(app: App, mcp: McpHarness) -> None:
    service = await _setup(mcp)
    await mcp.call("bookings_book", service_id=service, starts_at=f"{TUESDAY}T10:00:00+00:00",
                   customer_name="Ada", customer_email="ada@example.com")
    message = await mcp.error("bookings_book", service_id=service, starts_at=f"{TUESDAY}T10:30:00+00:00",
                              customer_name="Bob", customer_email="bob@example.com")
    assert "overlaps another appointment" in message and f"{TUESDAY}T11:15:00+00:00" in message
    assert "outside opening hours" in await mcp.error(
        "bookings_book", service_id=service, starts_at=f"{TUESDAY}T15:00:00+00:00", customer_name="Bob",
        customer_email="bob@example.com")
    assert "in the past" in await mcp.error("bookings_book", service_id=service, starts_at="2026-11-01T10:00:00+00:00",
                                            customer_name="Bob", customer_email="bob@example.com")
    assert await app.store.fetchval("SELECT COUNT(*) FROM bookings_appointments") == 1


async def test_reschedule_and_cancel(mcp: McpHarness) -> None:
    service = await _setup(mcp)
    first = await mcp.call("bookings_book", service_id=service, starts_at=f"{TUESDAY}T09:00:00+00:00",
                           customer_name="Ada", customer_email="ada@example.com")
    second = await mcp.call("bookings_book", service_id=service, starts_at=f"{TUESDAY}T11:00:00+00:00",
                            customer_name="Bob", customer_email="bob@example.com")
    # Moving into its own old slot is fine; onto someone else's is not.
    moved = await mcp.call("bookings_reschedule", appointment_id=first["id"], starts_at=f"{TUESDAY}T09:15:00+00:00")
    assert moved["starts_at"] == f"{TUESDAY}T09:15:00+00:00" and moved["ends_at"] == f"{TUESDAY}T10:15:00+00:00"
    assert "overlaps" in await mcp.error("bookings_reschedule", appointment_id=first["id"],
                                         starts_at=f"{TUESDAY}T10:30:00+00:00")
    cancelled = await mcp.call("bookings_cancel", confirm=True, appointment_id=second["id"])
    assert cancelled["status"] == "cancelled"
    assert "only confirmed" in await mcp.error("bookings_reschedule", appointment_id=second["id"],
                                               starts_at=f"{TUESDAY}T12:00:00+00:00")
    listed = await mcp.call("bookings_list_appointments", date_from=TUESDAY, date_to=TUESDAY, status="confirmed")
    assert [a["customer_name"] for a in listed["items"]] == ["Ada"]


async def test_bad_input(mcp: McpHarness) -> None:
    assert "no service with id 9" in await mcp.error("bookings_available_slots", service_id=9, day=TUESDAY)
    assert "before closes" in await mcp.error("bookings_set_hours", weekday="friday", opens="17:00", closes="09:00")
    assert "'weekday'" in await mcp.error("bookings_set_hours", weekday="funday", opens="09:00", closes="10:00")
    assert "'duration_minutes'" in await mcp.error("bookings_create_service", name="Nap", duration_minutes=2)
