"""Quotes: estimates for customers through draft -> sent -> accepted | declined | expired, revisions,
conversion of an accepted quote into an invoicing draft, expiry checks and the pipeline summary."""

from modules.quotes import demo, document, drafts, lifecycle, reports
from modules.quotes.schema import MIGRATIONS
from skills import Automation, Module

module = Module(
    id="quotes",
    name="Quotes",
    description="Quotes with lines, tax and validity; sent by email, revised, accepted into invoices, expired.",
    category="finance",
    version="1.0.0",
    # Accepted quotes become invoicing drafts (plain SQL on its tables); invoicing brings email along.
    # No crm link on purpose: requiring crm would stop anyone disabling it while quotes is on.
    requires=("invoicing",),
    skills=(drafts.create_quote, drafts.edit_draft, drafts.revise_quote, lifecycle.send_quote,
            lifecycle.accept_quote, lifecycle.decline_quote, lifecycle.check_expired, document.render,
            document.pdf, reports.list_quotes, reports.pipeline_summary),
    automations=(
        Automation(name="Quote expiry", trigger="cron", config={"schedule": "0 7 * * *"},
                   skill="quotes_check_expired", description="Mark sent quotes past their validity date expired."),
    ),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
