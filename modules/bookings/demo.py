"""Bookings: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from datetime import timedelta

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
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
