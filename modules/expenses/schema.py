"""Expenses: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE expenses (
            id INTEGER PRIMARY KEY,
            person TEXT NOT NULL,
            category TEXT NOT NULL,
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            spent_on TEXT NOT NULL,
            description TEXT NOT NULL,
            receipt TEXT,
            status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected', 'reimbursed')),
            note TEXT,
            created_at TEXT NOT NULL
        );
    """),)
