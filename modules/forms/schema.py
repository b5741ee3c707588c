"""Forms: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE forms (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            fields TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE forms_submissions (
            id INTEGER PRIMARY KEY,
            form_id INTEGER NOT NULL REFERENCES forms(id),
            data TEXT NOT NULL,
            lead_id INTEGER,
            created_at TEXT NOT NULL
        );
    """),)
