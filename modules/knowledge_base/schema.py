"""Knowledge base: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE kb_articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT 'general',
            status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
            helpful INTEGER NOT NULL DEFAULT 0,
            not_helpful INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
    """),)
