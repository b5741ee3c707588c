"""Subscriptions: plans, subscriber lifecycle, MRR, and renewals that draft invoices."""

from modules.subscriptions import demo, plans
from modules.subscriptions.schema import MIGRATIONS
from skills import Automation, Module

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
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
