"""Bookings: services, weekly opening hours, availability slots and conflict-free appointments."""

from datetime import timedelta

from modules.bookings import appointments, services
from skills import Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    await ctx.db.execute("INSERT INTO bookings_services (name, duration_min, buffer_min, price_cents) VALUES "
                         "('Consultation', 60, 15, 12000), ('Quick check-in', 30, 0, 0)")
    for weekday in range(5):
        await ctx.db.execute("INSERT INTO bookings_hours (weekday, opens, closes) VALUES (?, '09:00', '17:00')",
                             (weekday,))
    start = (ctx.now() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    await ctx.db.execute(
        "INSERT INTO bookings_appointments (service_id, customer_name, customer_email, starts_at, ends_at, status, "
        "created_at) VALUES (1, 'Maria Alvarez', 'maria@northwind.example', ?, ?, 'confirmed', ?)",
        (start.isoformat(), (start + timedelta(hours=1)).isoformat(), ctx.now_iso()))


module = Module(
    id="bookings",
    name="Bookings",
    description="Bookable services, opening hours, availability slots and appointments without double booking.",
    category="operations",
    version="1.0.0",
    skills=(services.create_service, services.set_hours, appointments.available_slots, appointments.book,
            appointments.reschedule, appointments.cancel, appointments.list_appointments),
    migrations=(Migration(1, """
        CREATE TABLE bookings_services (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            duration_min INTEGER NOT NULL,
            buffer_min INTEGER NOT NULL DEFAULT 0,
            price_cents INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE bookings_hours (
            weekday INTEGER PRIMARY KEY CHECK (weekday BETWEEN 0 AND 6),
            opens TEXT,
            closes TEXT
        );
        CREATE TABLE bookings_appointments (
            id INTEGER PRIMARY KEY,
            service_id INTEGER NOT NULL REFERENCES bookings_services(id),
            customer_name TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
            created_at TEXT NOT NULL
        );
        CREATE INDEX bookings_appointments_start ON bookings_appointments(status, starts_at);
    """),),
    seed_demo=seed_demo,
)
