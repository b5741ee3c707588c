"""Reading quotes: the filtered list and the pipeline summary (open value, acceptance rate)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from modules.quotes.model import Pipeline, QuotePage, QuoteSummary, StatusValue
from skills import Filters, SkillContext, fetch_page, skill

Status = Literal["draft", "sent", "accepted", "declined", "expired", "superseded"]
STATUSES = ("draft", "sent", "accepted", "declined", "expired", "superseded")
DECIDED = ("accepted", "declined", "expired")


@skill(name="quotes_list", title="List quotes",
                           examples=("find a quote", "which quotes are open"),
                           synonyms=("estimates", "proposals", "offers"),
                           read_only=True, instructions="""
    Quotes newest first as summaries (number, revision, customer, status, total, validity and the
    invoice an accepted quote became), filtered by status, customer text, or validity ending on or
    before a date (to chase offers about to run out). Superseded revisions are hidden unless asked for by
    status. Paginated with limit/offset; `total` counts all matches. quotes_render shows one in full.
    """)
async def list_quotes(ctx: SkillContext, status: Status | None = None, customer: str | None = None,
                      valid_until_before: date | None = None, limit: int = 50, offset: int = 0) -> QuotePage:
    """List quotes with filters and pagination. Use to find quotes; NOT for totals (pipeline summary).

    Args:
        status: Only this status.
        customer: Text to match in the customer's name or email.
        valid_until_before: Only quotes valid until this date or earlier, YYYY-MM-DD.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = (Filters().add("status = ?", status).like(("customer", "customer_email"), customer)
               .add("valid_until <= ?", valid_until_before.isoformat() if valid_until_before else None))
    if status is None:
        filters.add("status != 'superseded'")
    return await fetch_page(
        ctx.db, QuotePage, select=", ".join(QuoteSummary.model_fields), from_="quotes", filters=filters,
        order_by="id DESC", limit=limit, offset=offset)


@skill(title="Quote pipeline",
       examples=("how many quotes are accepted", "quote win rate"),
       synonyms=("win rate", "acceptance", "conversion"),
       category="analytics", read_only=True,
       instructions="""
       Per status and currency: how many quotes and their total value (superseded revisions are left
       out, so a revised offer counts once). open_value is draft + sent. The acceptance rate is
       accepted / (accepted + declined + expired), or null before any quote was decided. Optionally
       only quotes created since a date.
       """)
async def pipeline_summary(ctx: SkillContext, since: date | None = None) -> Pipeline:
    """Quote value by status and the acceptance rate. Use for sales reporting; NOT for single quotes.

    Args:
        since: Only quotes created on or after this date, YYYY-MM-DD.
    """
    filters = Filters().add("status != 'superseded'").add("created_at >= ?", since.isoformat() if since else None)
    rows = await ctx.db.fetchall(
        f"SELECT status, currency, COUNT(*) AS quotes, SUM(total_cents) AS total_cents FROM quotes{filters.where} "
        "GROUP BY status, currency", filters.params)
    order = {s: i for i, s in enumerate(STATUSES)}
    by_status = sorted((StatusValue(**r) for r in rows), key=lambda v: (order[v.status], v.currency))
    open_by_currency: dict[str, StatusValue] = {}
    for v in by_status:
        if v.status in ("draft", "sent"):
            agg = open_by_currency.setdefault(v.currency, StatusValue(status="open", currency=v.currency, quotes=0,
                                                                      total_cents=0))
            agg.quotes += v.quotes
            agg.total_cents += v.total_cents
    decided = sum(v.quotes for v in by_status if v.status in DECIDED)
    accepted = sum(v.quotes for v in by_status if v.status == "accepted")
    return Pipeline(by_status=by_status, open_value=sorted(open_by_currency.values(), key=lambda v: v.currency),
                    decided=decided, accepted=accepted,
                    acceptance_rate=round(accepted / decided, 3) if decided else None)
