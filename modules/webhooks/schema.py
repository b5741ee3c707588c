"""Webhooks: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE webhooks_endpoints (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            last_event_id INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE webhooks_deliveries (
            id INTEGER PRIMARY KEY,
            endpoint_id INTEGER NOT NULL REFERENCES webhooks_endpoints(id),
            event_id INTEGER NOT NULL REFERENCES events(id),
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            status_code INTEGER,
            error_kind TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL,
            delivered_at TEXT,
            UNIQUE (endpoint_id, event_id)
        );
        CREATE INDEX webhooks_deliveries_status ON webhooks_deliveries(status, id);
    """), Migration(2, """
        -- Deliveries are claimed (owner + claim expiry) before they are POSTed, keep one webhook-id
        -- across retries (Standard Webhooks), and wait for next_attempt_at between failed attempts.
        ALTER TABLE webhooks_deliveries ADD COLUMN claimed_by TEXT;
        ALTER TABLE webhooks_deliveries ADD COLUMN claim_expires_at TEXT;
        ALTER TABLE webhooks_deliveries ADD COLUMN next_attempt_at TEXT;
        ALTER TABLE webhooks_deliveries ADD COLUMN message_id TEXT;
        UPDATE webhooks_deliveries SET message_id = 'msg_delivery' || id WHERE message_id IS NULL;
        CREATE INDEX webhooks_deliveries_due ON webhooks_deliveries(status, next_attempt_at);
    """))
