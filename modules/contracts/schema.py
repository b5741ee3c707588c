"""Contracts: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE contracts (
            id INTEGER PRIMARY KEY,
            party TEXT NOT NULL,
            title TEXT NOT NULL,
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL,
            value_cents INTEGER NOT NULL,
            term_months INTEGER NOT NULL,
            notice_days INTEGER NOT NULL,
            auto_renew INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'terminated')),
            flagged_end TEXT
        );
    """),)
