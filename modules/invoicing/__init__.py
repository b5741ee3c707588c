"""Invoicing: invoices through draft -> sent -> paid | overdue | void, payments, credit notes,
overdue checks, dunning reminders, receivables aging and the invoice document."""

from modules.invoicing import demo, document, invoices, receivables
from skills import Automation, Migration, Module

module = Module(
    id="invoicing",
    name="Invoicing",
    description="Invoices with tax, numbering, payments, credit notes, overdue checks, reminders and AR aging.",
    category="finance",
    version="1.0.0",
    requires=("email",),
    skills=(invoices.create_invoice, invoices.send_invoice, invoices.record_payment, invoices.void_invoice,
            invoices.credit_note, invoices.list_invoices, document.render, receivables.check_overdue,
            receivables.send_reminders, receivables.ar_aging),
    automations=(
        Automation(name="Overdue check", trigger="cron", config={"schedule": "0 9 * * *"},
                   skill="invoicing_check_overdue", description="Mark invoices past due as overdue."),
        Automation(name="Dunning reminders", trigger="event", config={"event": "invoice.overdue"},
                   skill="invoicing_send_reminders", executor="pilot",
                   description="When an invoice turns overdue, the agent asks to send reminders (approve trust)."),
    ),
    migrations=(Migration(1, """
        CREATE TABLE invoicing_invoices (
            id INTEGER PRIMARY KEY,
            number TEXT UNIQUE,
            customer TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'paid', 'overdue', 'void')),
            currency TEXT NOT NULL,
            tax_rate_percent REAL NOT NULL,
            terms_days INTEGER NOT NULL,
            issue_date TEXT,
            due_date TEXT,
            last_reminder_at TEXT,
            void_reason TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE invoicing_lines (
            id INTEGER PRIMARY KEY,
            invoice_id INTEGER NOT NULL REFERENCES invoicing_invoices(id),
            description TEXT NOT NULL,
            quantity REAL NOT NULL,
            unit_price_cents INTEGER NOT NULL
        );
        CREATE TABLE invoicing_payments (
            id INTEGER PRIMARY KEY,
            invoice_id INTEGER NOT NULL REFERENCES invoicing_invoices(id),
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            paid_on TEXT NOT NULL,
            reference TEXT
        );
        CREATE TABLE invoicing_credit_notes (
            id INTEGER PRIMARY KEY,
            invoice_id INTEGER NOT NULL REFERENCES invoicing_invoices(id),
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
    """),),
    seed_demo=demo.seed,
)
