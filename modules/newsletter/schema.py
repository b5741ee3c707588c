"""Newsletter: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE newsletter_subscribers (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed')),
            token TEXT UNIQUE,
            created_at TEXT NOT NULL,
            confirmed_at TEXT
        );
        CREATE TABLE newsletter_campaigns (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'sent')),
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE TABLE newsletter_sends (
            campaign_id INTEGER NOT NULL REFERENCES newsletter_campaigns(id),
            subscriber_id INTEGER NOT NULL REFERENCES newsletter_subscribers(id),
            outbox_id INTEGER NOT NULL,
            PRIMARY KEY (campaign_id, subscriber_id)
        );
    """),)
