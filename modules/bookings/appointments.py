"""Appointments: availability, booking with conflict refusal, cancel and reschedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import Field

from modules.bookings.model import Appointment, AppointmentPage, Slots
from modules.bookings.slots import day_slots, overlaps, span
from modules.business import formatting as fmt
from modules.business.profile import load_profile
from modules.email.letters import send_letter
from skills import Filters, Row, SkillContext, SkillFailed, fetch_one, fetch_page, skill
from skills.formats import EMAIL

COLUMNS = ("a.id, a.service_id, s.name AS service, a.customer_name, a.customer_email, a.starts_at, a.ends_at, "
           "a.status")
FROM = "bookings_appointments a JOIN bookings_services s ON s.id = a.service_id"


async def _service(ctx: SkillContext, service_id: int) -> Row:
    row = await fetch_one(
        ctx.db, "SELECT * FROM bookings_services WHERE id = ?", (service_id,),
        missing=f"no service with id {service_id}; create one with bookings_create_service")
    return row


async def _busy(ctx: SkillContext, day: date, exclude: int | None = None) -> list[tuple[datetime, datetime]]:
    lo = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(days=1)
    hi = lo + timedelta(days=3)
    rows = await ctx.db.fetchall(
        "SELECT a.id, a.starts_at, s.duration_min, s.buffer_min FROM bookings_appointments a JOIN bookings_services s "
        "ON s.id = a.service_id WHERE a.status = 'confirmed' AND a.starts_at >= ? AND a.starts_at < ?",
        (lo.isoformat(), hi.isoformat()))
    return [span(datetime.fromisoformat(r["starts_at"]), r["duration_min"], r["buffer_min"])
            for r in rows if r["id"] != exclude]


async def _free(ctx: SkillContext, service: Row, day: date, exclude: int | None = None) -> list[datetime]:
    hours = await ctx.db.fetchone("SELECT opens, closes FROM bookings_hours WHERE weekday = ?", (day.weekday(),))
    if hours is None or hours["opens"] is None:
        return []
    return day_slots(day, time.fromisoformat(hours["opens"]), time.fromisoformat(hours["closes"]),
                     service["duration_min"], service["buffer_min"], await _busy(ctx, day, exclude), UTC)


async def _check_bookable(ctx: SkillContext, service: Row, starts_at: datetime,
                          exclude: int | None = None) -> datetime:
    if starts_at.tzinfo is None:
        raise SkillFailed("starts_at needs a timezone, e.g. 2026-11-03T10:00:00+00:00")
    start = starts_at.astimezone(UTC)
    if start <= ctx.now():
        raise SkillFailed("starts_at is in the past; pick a future slot (bookings_available_slots)")
    free = await _free(ctx, service, start.date(), exclude)
    if start not in free:
        nearest = sorted(free, key=lambda s: abs((s - start).total_seconds()))[:3]
        taken = any(overlaps(span(start, service["duration_min"], service["buffer_min"]), b)
                    for b in await _busy(ctx, start.date(), exclude))
        why = "that time overlaps another appointment" if taken else "that time is outside opening hours"
        options = ", ".join(s.isoformat() for s in sorted(nearest)) or "none that day"
        raise SkillFailed(f"cannot book {start.isoformat()}: {why}. Nearest free slots: {options}")
    return start


async def _fetch(ctx: SkillContext, appointment_id: int) -> Appointment:
    row = await fetch_one(
        ctx.db, f"SELECT {COLUMNS} FROM {FROM} WHERE a.id = ?", (appointment_id,),
        missing=f"no appointment with id {appointment_id}")
    return Appointment(**row)


@skill(title="Available slots",
       examples=("when is there a free appointment", "open times for a booking tomorrow"),
       synonyms=("free", "availability", "open times", "slot"),
       read_only=True,
       scope="both", instructions="""
       Free start times for a service on one day (UTC), every 15 minutes, where the whole
       appointment plus its buffer fits in opening hours and overlaps no confirmed appointment.
       """)
async def available_slots(ctx: SkillContext, service_id: int, day: date) -> Slots:
    """List the free start times for a service on a given day.

    Args:
        service_id: The service to book.
        day: The date, YYYY-MM-DD.
    """
    service = await _service(ctx, service_id)
    free = [s for s in await _free(ctx, service, day) if s > ctx.now()]
    return Slots(service_id=service_id, date=day.isoformat(), slots=[s.isoformat() for s in free])


@skill(title="Book an appointment",
       examples=("book an appointment for a customer", "reserve a slot"),
       synonyms=("reserve", "appointment", "schedule"),
       scope="both", instructions="""
    Books a customer into a free slot and emails them a confirmation (the booking-confirmation
    template, in the business's name, time zone and locale). Double bookings and times outside
    opening hours are refused with the nearest free slots in the message. Emits booking.created.
    """)
async def book(
    ctx: SkillContext,
    service_id: int,
    starts_at: datetime,
    customer_name: Annotated[str, Field(min_length=1, max_length=120)],
    customer_email: Annotated[str, Field(pattern=EMAIL)],
) -> Appointment:
    """Book an appointment for a customer at a free start time.

    Args:
        service_id: The service to book.
        starts_at: Start time, ISO 8601 with timezone.
        customer_name: Customer's name.
        customer_email: Customer's email address.
    """
    service = await _service(ctx, service_id)
    start = await _check_bookable(ctx, service, starts_at)
    end = start + timedelta(minutes=service["duration_min"])
    result = await ctx.db.execute(
        "INSERT INTO bookings_appointments (service_id, customer_name, customer_email, starts_at, ends_at, status, "
        "created_at) VALUES (?, ?, ?, ?, ?, 'confirmed', ?)",
        (service_id, customer_name, customer_email, start.isoformat(), end.isoformat(), ctx.now_iso()))
    await ctx.emit("booking.created", {"id": result.lastrowid, "starts_at": start.isoformat()})
    profile = await load_profile(ctx.db)
    when = fmt.moment(start, profile.locale, profile.time_zone)
    await send_letter(ctx, customer_email, "booking-confirmation",
                      {"customer": customer_name, "service": service["name"], "when": when,
                       "duration": str(service["duration_min"])},
                      purpose=f"booking:{result.lastrowid}", profile=profile,
                      summary=[("Service", service["name"]), ("When", when),
                               ("Duration", f"{service['duration_min']} min")])
    return await _fetch(ctx, result.lastrowid or 0)


@skill(title="Reschedule an appointment",
       examples=("move an appointment", "change the booking time"),
       synonyms=("move", "postpone", "change time", "push"),
       instructions="""
    Moves a confirmed appointment to another free start time, with the same rules as booking
    (its own old slot does not count as taken). The move is atomic.
    """)
async def reschedule(ctx: SkillContext, appointment_id: int, starts_at: datetime) -> Appointment:
    """Move a confirmed appointment to another free time.

    Args:
        appointment_id: The appointment's id.
        starts_at: New start time, ISO 8601 with timezone.
    """
    current = await _fetch(ctx, appointment_id)
    if current.status != "confirmed":
        raise SkillFailed(f"appointment {appointment_id} is {current.status}; only confirmed ones can move")
    service = await _service(ctx, current.service_id)
    start = await _check_bookable(ctx, service, starts_at, exclude=appointment_id)
    end = start + timedelta(minutes=service["duration_min"])
    await ctx.db.execute("UPDATE bookings_appointments SET starts_at = ?, ends_at = ? WHERE id = ?",
                         (start.isoformat(), end.isoformat(), appointment_id))
    await ctx.emit("booking.rescheduled", {"id": appointment_id, "starts_at": start.isoformat()})
    return await _fetch(ctx, appointment_id)


@skill(title="Cancel an appointment",
       effects=("cancellation",),
       examples=("cancel a booking", "the customer can't make the appointment"),
       synonyms=("cancel", "can't make it"),
       destructive=True,
       idempotent=True, trust="notify",
       instructions="Cancels an appointment and frees its slot. The row is kept with status cancelled.")
async def cancel(ctx: SkillContext, appointment_id: int) -> Appointment:
    """Cancel an appointment.

    Args:
        appointment_id: The appointment's id.
    """
    current = await _fetch(ctx, appointment_id)
    if current.status == "cancelled":
        ctx.set_outcome("no_effect")
        return current
    await ctx.db.execute("UPDATE bookings_appointments SET status = 'cancelled' WHERE id = ?", (appointment_id,))
    await ctx.emit("booking.cancelled", {"id": appointment_id})
    return await _fetch(ctx, appointment_id)


@skill(title="List appointments",
       examples=("what appointments do we have today", "who is booked this week"),
       synonyms=("booked", "schedule", "diary"),
       read_only=True,
       instructions="Appointments in a date range (UTC), by start time; filter by status or service.")
async def list_appointments(
    ctx: SkillContext,
    date_from: date | None = None,
    date_to: date | None = None,
    status: Literal["confirmed", "cancelled"] | None = None,
    service_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> AppointmentPage:
    """List appointments by date range, status or service.

    Args:
        date_from: First day, YYYY-MM-DD.
        date_to: Last day (inclusive), YYYY-MM-DD.
        status: Only this status.
        service_id: Only this service.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = (Filters().add("a.starts_at >= ?", date_from.isoformat() if date_from else None)
               .add("a.starts_at < ?", (date_to + timedelta(days=1)).isoformat() if date_to else None)
               .add("a.status = ?", status).add("a.service_id = ?", service_id))
    return await fetch_page(
        ctx.db, AppointmentPage, select=COLUMNS, from_=FROM, filters=filters, order_by="a.starts_at", limit=limit,
        offset=offset)
