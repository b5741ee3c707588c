"""Sample plans and subscribers for `pilothouse seed-demo`: recurring revenue with some history.

Plain SQL on the module's tables: no `subscription.started` events and no invoices are drawn.
Every live period ends after today, so the first renewal run bills nobody by surprise; the trial
ends in ten days and the cancelled customer shows churn without counting toward MRR.
"""

from __future__ import annotations

from datetime import timedelta

from modules.subscriptions.plans import period_after
from skills import SkillContext

PLANS = [("Starter", 2_900, "month"), ("Team", 9_900, "month"), ("Team yearly", 99_000, "year")]
# (plan, customer, email, status, current period started days ago, trial days)
SUBSCRIBERS = [
    ("Starter", "Fernwood Bakery", "accounts@fernwood.example", "active", 14, 0),
    ("Team", "Blue Harbor Studio", "tom@blueharbor.example", "active", 6, 0),
    ("Team yearly", "Northwind Traders", "maria@northwind.example", "active", 130, 0),
    ("Team", "Alder & Pine Architects", "office@alderpine.example", "trialing", 4, 14),
    ("Starter", "Kestrel Logistics", "li@kestrel.example", "cancelled", 40, 0),
]


async def seed(ctx: SkillContext) -> None:
    today = ctx.now().date()
    plans: dict[str, tuple[int, str]] = {}
    for name, price, interval in PLANS:
        result = await ctx.db.execute("INSERT INTO subscriptions_plans (name, price_cents, interval) VALUES (?, ?, ?)",
                                      (name, price, interval))
        plans[name] = (result.lastrowid or 0, interval)
    for plan, customer, email, status, started_ago, trial_days in SUBSCRIBERS:
        plan_id, interval = plans[plan]
        start = today - timedelta(days=started_ago)
        # Periods follow the module's own calendar (month end clamping) like a real subscription.
        end = start + timedelta(days=trial_days) if trial_days else period_after(start, interval)
        await ctx.db.execute(
            "INSERT INTO subscriptions (plan_id, customer, customer_email, status, period_start, period_end) "
            "VALUES (?, ?, ?, ?, ?, ?)", (plan_id, customer, email, status, start.isoformat(), end.isoformat()))
