"""Knowledge base: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from skills import SkillContext

DEMO = [
    ("How to download an invoice", "billing", "Open Account, then Invoices, and choose Download PDF next to the "
     "invoice. Invoices are kept for seven years."),
    ("Delivery times and tracking", "shipping", "Orders ship within two working days. You receive a tracking link "
     "by email as soon as the parcel leaves the warehouse."),
]


async def seed(ctx: SkillContext) -> None:
    for title, category, body in DEMO:
        await ctx.db.execute("INSERT INTO kb_articles (title, body, category, status, updated_at) "
                             "VALUES (?, ?, ?, 'published', ?)", (title, body, category, ctx.now_iso()))
