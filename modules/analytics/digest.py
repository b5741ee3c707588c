"""The weekly business digest: traffic plus what happened in every module, from domain events.

Every module records its domain events (lead.created, order.paid, invoice.overdue, ...) in the
core events table, so the digest covers whatever modules are enabled without knowing their tables.
"""

from __future__ import annotations

from modules.analytics.model import Digest
from modules.analytics.traffic import week_bounds
from skills import SkillContext, skill

HEADLINES = {"lead.created": "new leads", "lead.qualified": "leads qualified", "deal.won": "deals won",
             "post.published": "posts published", "order.paid": "orders paid", "invoice.paid": "invoices paid",
             "invoice.overdue": "invoices overdue", "ticket.opened": "tickets opened",
             "ticket.sla_breached": "SLA breaches", "booking.created": "bookings made"}


@skill(title="Weekly business digest",
       examples=("how did the business do this week", "weekly summary of what happened"),
       synonyms=("recap", "overview", "summary", "week"),
       read_only=True,
       instructions="""
       A summary of the last 7 days for the owner: page views and visitors (with the week before for
       comparison) and counts of business events from every enabled module (new leads, orders paid,
       invoices overdue, tickets, bookings, ...), plus a short readable summary. Runs Mondays at 08:00.
       """)
async def weekly_digest(ctx: SkillContext) -> Digest:
    """Summarize the last 7 days of traffic and business activity."""
    start, end = week_bounds(ctx.now())
    previous_start = week_bounds(ctx.now().__class__.fromisoformat(start))[0]
    views = await ctx.db.fetchone("SELECT COUNT(*) AS n, COUNT(DISTINCT session_id) AS v FROM analytics_views "
                                  "WHERE viewed_at >= ? AND viewed_at <= ?", (start, end))
    before = await ctx.db.fetchval("SELECT COUNT(*) FROM analytics_views WHERE viewed_at >= ? AND viewed_at < ?",
                                   (previous_start, start))
    rows = await ctx.db.fetchall("SELECT name, COUNT(*) AS n FROM events WHERE created_at >= ? AND created_at <= ? "
                                 "GROUP BY name ORDER BY name", (start, end))
    events = {r["name"]: r["n"] for r in rows}
    assert views is not None
    trend = ("" if not before else
             f" ({(views['n'] - before) / before:+.0%} on the week before)")
    parts = [f"{views['n']} page views from {views['v']} visitors{trend}"]
    parts += [f"{events[name]} {label}" for name, label in HEADLINES.items() if events.get(name)]
    return Digest(period_start=start, period_end=end, page_views=views["n"], visitors=views["v"],
                  previous_page_views=before, events=events, summary="This week: " + "; ".join(parts) + ".")
