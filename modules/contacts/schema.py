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
    """), Migration(2, """
        -- Ids are never reused: a merge deletes the duplicate, and the next contact
        -- took its id, so activity rows and approvals naming it pointed at someone else. SQLite sets
        -- this only when a table is created: rebuilt under the same name, ids kept.
        CREATE TABLE contacts_v2 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            phone TEXT,
            company_id INTEGER REFERENCES crm_companies(id),
            tags TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
        INSERT INTO contacts_v2 (id, name, email, phone, company_id, tags, created_at)
            SELECT id, name, email, phone, company_id, tags, created_at FROM contacts;
        DROP TABLE contacts;
        ALTER TABLE contacts_v2 RENAME TO contacts;
    """))
