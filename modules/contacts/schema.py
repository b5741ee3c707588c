"""Contacts: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            phone TEXT,
            company_id INTEGER REFERENCES crm_companies(id),
            tags TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
    """),)
