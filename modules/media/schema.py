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
    """), Migration(2, """
        -- Ids are never reused after a delete (rebuilt under the same name, ids kept).
        CREATE TABLE media_assets_v2 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            filename TEXT NOT NULL UNIQUE,
            mime_type TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            alt_text TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            uploaded_at TEXT NOT NULL
        );
        INSERT INTO media_assets_v2 (id, filename, mime_type, size_bytes, alt_text, tags, uploaded_at)
            SELECT id, filename, mime_type, size_bytes, alt_text, tags, uploaded_at FROM media_assets;
        DROP TABLE media_assets;
        ALTER TABLE media_assets_v2 RENAME TO media_assets;
    """))
