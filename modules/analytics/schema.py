"""Analytics: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE analytics_views (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            session_id TEXT NOT NULL,
            source TEXT NOT NULL,
            viewed_at TEXT NOT NULL
        );
        CREATE INDEX analytics_views_at ON analytics_views(viewed_at);
    """),)
