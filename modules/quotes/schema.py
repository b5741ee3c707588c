"""The quotes tables. Totals are stored on the quote (refreshed with every line change) so lists
and the pipeline summary can filter and add up values in SQL without re-rounding lines."""

from skills import Migration

MIGRATIONS = (
    Migration(1, """
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            number TEXT,
            revision INTEGER NOT NULL DEFAULT 1,
            previous_id INTEGER REFERENCES quotes(id),
            customer TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'expired',
                                                   'superseded')),
            currency TEXT NOT NULL,
            tax_rate_percent REAL NOT NULL,
            terms_days INTEGER NOT NULL,
            valid_until TEXT NOT NULL,
            notes TEXT NOT NULL DEFAULT '',
            subtotal_cents INTEGER NOT NULL DEFAULT 0,
            tax_cents INTEGER NOT NULL DEFAULT 0,
            total_cents INTEGER NOT NULL DEFAULT 0,
            invoice_id INTEGER,
            decline_reason TEXT,
            sent_at TEXT,
            decided_at TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (number, revision)
        );
        -- A quote is revised at most once: its history is a chain, never a tree.
        CREATE UNIQUE INDEX quotes_revised_once ON quotes(previous_id) WHERE previous_id IS NOT NULL;
        CREATE INDEX quotes_status ON quotes(status, valid_until);
        CREATE TABLE quotes_lines (
            id INTEGER PRIMARY KEY,
            quote_id INTEGER NOT NULL REFERENCES quotes(id),
            description TEXT NOT NULL,
            quantity REAL NOT NULL,
            unit_price_cents INTEGER NOT NULL
        );
        CREATE INDEX quotes_lines_quote ON quotes_lines(quote_id, id);
    """),
    Migration(2, """
        -- Line ids are never reused after a line is removed (rebuilt under the same name, ids kept).
        CREATE TABLE quotes_lines_v2 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            quote_id INTEGER NOT NULL REFERENCES quotes(id),
            description TEXT NOT NULL,
            quantity REAL NOT NULL,
            unit_price_cents INTEGER NOT NULL
        );
        INSERT INTO quotes_lines_v2 (id, quote_id, description, quantity, unit_price_cents)
            SELECT id, quote_id, description, quantity, unit_price_cents FROM quotes_lines;
        DROP TABLE quotes_lines;
        ALTER TABLE quotes_lines_v2 RENAME TO quotes_lines;
        CREATE INDEX quotes_lines_quote ON quotes_lines(quote_id, id);
    """),
)
