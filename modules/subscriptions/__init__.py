"""Subscriptions: plans, subscriber lifecycle, MRR, and renewals that draft invoices."""

from modules.subscriptions import demo, plans
from skills import Automation, Migration, Module

module = Module(
    id="subscriptions",
    name="Subscriptions",
    description="Recurring plans, subscription lifecycle, MRR/ARR and renewals that draft invoices.",
    category="subscriptions",
    version="1.0.0",
    requires=("invoicing",),
    skills=(plans.create_plan, plans.subscribe, plans.set_status, plans.mrr, plans.run_renewals),
    automations=(Automation(name="Renewals", trigger="cron", config={"schedule": "0 6 * * *"},
                            skill="subscriptions_run_renewals",
                            description="Invoice subscriptions whose period ended."),),
    migrations=(Migration(1, """
        CREATE TABLE subscriptions_plans (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            price_cents INTEGER NOT NULL,
            interval TEXT NOT NULL CHECK (interval IN ('month', 'year'))
        );
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES subscriptions_plans(id),
            customer TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'cancelled')),
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL
        );
    """),),
    seed_demo=demo.seed,
)
