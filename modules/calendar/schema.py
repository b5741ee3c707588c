"""Calendar: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE calendar_events (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            location TEXT,
            description TEXT,
            attendees TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
        CREATE INDEX calendar_events_start ON calendar_events(starts_at);
    """),)
