"""Invoicing: invoices through draft -> sent -> paid | overdue | void, payments, credit notes,
overdue checks, dunning reminders, receivables aging, and the PDFs the customer receives."""

from modules.invoicing import credit_notes, demo, document, invoices, receivables
from modules.invoicing.schema import MIGRATIONS
from skills import Automation, Module

module = Module(
    id="invoicing",
    name="Invoicing",
    description="Invoices with tax, numbering, payments, credit notes, overdue checks, reminders and AR aging.",
    category="finance",
    version="1.0.0",
    requires=("business", "email"),
    skills=(invoices.create_invoice, invoices.send_invoice, invoices.record_payment, invoices.void_invoice,
            credit_notes.credit_note, invoices.list_invoices, document.render, document.pdf,
            receivables.check_overdue, receivables.send_reminders, receivables.ar_aging),
    automations=(
        Automation(name="Overdue check", trigger="cron", config={"schedule": "0 9 * * *"},
                   skill="invoicing_check_overdue", description="Mark invoices past due as overdue."),
        Automation(name="Dunning reminders", trigger="event", config={"event": "invoice.overdue"},
                   skill="invoicing_send_reminders", executor="pilot",
                   description="When an invoice turns overdue, the agent asks to send reminders (approve trust)."),
    ),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
