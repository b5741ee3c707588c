"""Media library: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE media_assets (
            id INTEGER PRIMARY KEY,
            filename TEXT NOT NULL UNIQUE,
            mime_type TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            alt_text TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            uploaded_at TEXT NOT NULL
        );
    """),)
