"""Invoicing: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
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
    """), Migration(2, """
        -- Business-grade documents (issue 30): lines with their own tax rate (NULL: the invoice's)
        -- and a discount; the buyer's address and VAT number; credit notes numbered CN-YYYY-NNNN.
        ALTER TABLE invoicing_lines ADD COLUMN discount_percent REAL NOT NULL DEFAULT 0;
        ALTER TABLE invoicing_lines ADD COLUMN tax_rate_percent REAL;
        ALTER TABLE invoicing_invoices ADD COLUMN customer_address TEXT;
        ALTER TABLE invoicing_invoices ADD COLUMN customer_tax_id TEXT;
        ALTER TABLE invoicing_credit_notes ADD COLUMN number TEXT;
        CREATE UNIQUE INDEX invoicing_credit_notes_number ON invoicing_credit_notes(number);
    """))
