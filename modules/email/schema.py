"""Email: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE email_templates (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
    """),)
