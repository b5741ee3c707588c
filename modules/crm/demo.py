"""Sample companies, leads and deals for `pilothouse seed-demo`."""

from __future__ import annotations

from datetime import timedelta

from skills import SkillContext

COMPANIES = [("Northwind Traders", "northwind.example", "wholesale", 120),
             ("Blue Harbor Studio", "blueharbor.example", "design", 8),
             ("Kestrel Logistics", "kestrel.example", "logistics", 45)]
LEADS = [("maria@northwind.example", "Maria Alvarez", 1, "referral", "Asked for pricing and a demo next week"),
         ("tom@blueharbor.example", "Tom Becker", 2, "form", "Budget approved for Q1"),
         ("li@kestrel.example", "Li Wei", 3, "webinar", ""),
         ("sam.jones@gmail.com", "Sam Jones", None, "newsletter", "Just curious"),
         ("priya@kestrel.example", "Priya Nair", 3, "event", "Urgent: needs a quote")]
DEALS = [("Northwind annual plan", 1, 1, 1_800_000, "proposal"),
         ("Blue Harbor website refresh", 2, 2, 650_000, "qualified"),
         ("Kestrel fleet pilot", 3, 3, 2_400_000, "prospect")]


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    for name, domain, industry, size in COMPANIES:
        await ctx.db.execute("INSERT INTO crm_companies (name, domain, industry, size, created_at) "
                             "VALUES (?, ?, ?, ?, ?)", (name, domain, industry, size, now.isoformat()))
    for i, (email, name, company, source, notes) in enumerate(LEADS):
        created = (now - timedelta(days=len(LEADS) - i)).isoformat(timespec="seconds")
        await ctx.db.execute(
            "INSERT INTO crm_leads (email, name, company_id, source, notes, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (email, name, company, source, notes, created, created))
    for title, lead, company, value, stage in DEALS:
        result = await ctx.db.execute(
            "INSERT INTO crm_deals (title, lead_id, company_id, value_cents, stage, expected_close, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (title, lead, company, value, stage, (now + timedelta(days=30)).date().isoformat(), now.isoformat(),
             now.isoformat()))
        await ctx.db.execute("INSERT INTO crm_deal_history (deal_id, to_stage, at) VALUES (?, ?, ?)",
                             (result.lastrowid, stage, now.isoformat()))
