"""Plans, subscriptions (trialing -> active -> past_due -> cancelled), MRR and renewals into invoices."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field

from modules.subscriptions.model import Mrr, Plan, PlanMrr, Renewals, Subscription
from skills import SkillContext, SkillFailed, check_transition, fetch_one, skill
from skills.effects import effect

Interval = Literal["month", "year"]
MOVES = {"trialing": {"active", "cancelled"}, "active": {"past_due", "cancelled"},
         "past_due": {"active", "cancelled"}, "cancelled": set()}


def period_after(start: date, interval: str) -> date:
    """The same day one month or year later, clamped to the month's last day (Jan 31 -> Feb 28)."""
    months = 12 if interval == "year" else 1
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


async def _sub(ctx: SkillContext, subscription_id: int) -> Subscription:
    row = await fetch_one(
        ctx.db, "SELECT * FROM subscriptions WHERE id = ?", (subscription_id,),
        missing=f"no subscription with id {subscription_id}")
    return Subscription(**{k: row[k] for k in Subscription.model_fields})


@skill(title="Create a plan",
       examples=("set up a new pricing tier", "offer a monthly membership"),
       synonyms=("tier", "membership", "pricing", "package"),
       instructions="A recurring price: monthly or yearly, in cents. Plan names are unique.")
async def create_plan(ctx: SkillContext, name: Annotated[str, Field(min_length=2, max_length=80)],
                      price_cents: Annotated[int, Field(ge=0)], interval: Interval = "month") -> Plan:
    """Create a subscription plan.

    Args:
        name: Plan name, e.g. Pro.
        price_cents: Price per interval in cents.
        interval: month or year.
    """
    if await ctx.db.fetchone("SELECT 1 FROM subscriptions_plans WHERE name = ?", (name,)):
        raise SkillFailed(f"a plan named {name!r} already exists")
    result = await ctx.db.execute("INSERT INTO subscriptions_plans (name, price_cents, interval) VALUES (?, ?, ?)",
                                  (name, price_cents, interval))
    return Plan(id=result.lastrowid or 0, name=name, price_cents=price_cents, interval=interval)


@skill(title="Subscribe a customer",
       examples=("put a customer on a plan", "start a membership for a customer"),
       synonyms=("sign up", "enroll", "membership"),
       instructions="""
    Starts a subscription on a plan, with an optional free trial in days (status trialing until the
    first renewal run after the trial) or active right away. The first period starts today.
    """)
async def subscribe(ctx: SkillContext, plan_id: int, customer: Annotated[str, Field(min_length=2)],
                    customer_email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")],
                    trial_days: Annotated[int, Field(ge=0, le=90)] = 0) -> Subscription:
    """Subscribe a customer to a plan.

    Args:
        plan_id: The plan.
        customer: Customer name.
        customer_email: Where invoices go.
        trial_days: Free trial length in days.
    """
    plan = await fetch_one(
        ctx.db, "SELECT * FROM subscriptions_plans WHERE id = ?", (plan_id,),
        missing=f"no plan with id {plan_id}; subscriptions_create_plan first")
    start = ctx.now().date()
    end = start + timedelta(days=trial_days) if trial_days else period_after(start, plan["interval"])
    result = await ctx.db.execute(
        "INSERT INTO subscriptions (plan_id, customer, customer_email, status, period_start, period_end) "
        "VALUES (?, ?, ?, ?, ?, ?)", (plan_id, customer, customer_email, "trialing" if trial_days else "active",
                                      start.isoformat(), end.isoformat()))
    await ctx.emit("subscription.started", {"id": result.lastrowid, "plan": plan["name"]})
    return await _sub(ctx, result.lastrowid or 0)


@skill(title="Change subscription status",
       effects=(effect("cancellation", when={"status": "cancelled"}),),
       examples=("cancel a customer's subscription", "pause or resume a membership"),
       synonyms=("cancel", "pause", "resume", "membership"),
       instructions="""
       Moves a subscription: trialing -> active | cancelled; active -> past_due | cancelled;
       past_due -> active | cancelled. Cancelled is final.
       """)
async def set_status(ctx: SkillContext, subscription_id: int,
                     status: Literal["active", "past_due", "cancelled"]) -> Subscription:
    """Change a subscription's status.

    Args:
        subscription_id: The subscription.
        status: active, past_due or cancelled.
    """
    sub = await _sub(ctx, subscription_id)
    check_transition(MOVES, sub.status, status, what=f"subscription {subscription_id}")
    await ctx.db.execute("UPDATE subscriptions SET status = ? WHERE id = ?", (status, subscription_id))
    return await _sub(ctx, subscription_id)


@skill(title="Monthly recurring revenue",
       examples=("how much recurring revenue do we have", "subscription income per month"),
       synonyms=("recurring revenue", "mrr", "income"),
       category="analytics", read_only=True,
       instructions="""
       MRR: the monthly value of active and past-due subscriptions (yearly plans count price / 12,
       trials count nothing yet), per plan, and ARR = 12 x MRR.
       """)
async def mrr(ctx: SkillContext) -> Mrr:
    """Monthly recurring revenue per plan."""
    rows = await ctx.db.fetchall(
        "SELECT p.name, p.price_cents, p.interval, COUNT(s.id) AS n FROM subscriptions_plans p "
        "LEFT JOIN subscriptions s ON s.plan_id = p.id AND s.status IN ('active', 'past_due') "
        "GROUP BY p.id ORDER BY p.name")
    plans = [PlanMrr(plan=r["name"], subscriptions=r["n"],
                     mrr_cents=round(r["n"] * r["price_cents"] / (12 if r["interval"] == "year" else 1))) for r in rows]
    total = sum(p.mrr_cents for p in plans)
    return Mrr(mrr_cents=total, arr_cents=total * 12, plans=plans)


@skill(title="Run renewals",
       examples=("renew the subscriptions that are due", "charge the memberships this period"),
       synonyms=("renew", "charge", "bill", "recurring"),
       idempotent=True,
       instructions="""
       For every trialing or active subscription whose period has ended: a draft invoice for the next
       period is created in invoicing (review and send it there), the period advances, and a trial
       becomes active. Running it twice renews each period once. Runs daily.
       """)
async def run_renewals(ctx: SkillContext) -> Renewals:
    """Invoice and advance every subscription whose period ended."""
    today = ctx.now().date()
    rows = await ctx.db.fetchall(
        "SELECT s.*, p.name, p.price_cents, p.interval FROM subscriptions s JOIN subscriptions_plans p ON "
        "p.id = s.plan_id WHERE s.status IN ('trialing', 'active') AND s.period_end <= ?", (today.isoformat(),))
    renewed, invoices = [], []
    for r in rows:
        start = date.fromisoformat(r["period_end"])
        end = period_after(start, r["interval"])
        result = await ctx.db.execute(
            "INSERT INTO invoicing_invoices (customer, customer_email, status, currency, tax_rate_percent, terms_days,"
            " created_at) VALUES (?, ?, 'draft', 'EUR', 0, 14, ?)", (r["customer"], r["customer_email"], ctx.now_iso()))
        await ctx.db.execute(
            "INSERT INTO invoicing_lines (invoice_id, description, quantity, unit_price_cents) VALUES (?, ?, 1, ?)",
            (result.lastrowid, f"{r['name']} plan, {start} to {end}", r["price_cents"]))
        await ctx.db.execute(
            "UPDATE subscriptions SET status = 'active', period_start = ?, period_end = ? WHERE id = ?",
            (start.isoformat(), end.isoformat(), r["id"]))
        renewed.append(r["id"])
        invoices.append(result.lastrowid or 0)
        await ctx.emit("subscription.renewed", {"id": r["id"], "invoice_id": result.lastrowid})
    if not rows:
        ctx.set_outcome("no_effect")
    return Renewals(renewed=renewed, invoices=invoices)
