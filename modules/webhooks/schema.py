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
    """), Migration(3, """
        -- Issue 27. A delivery is marked in flight just before its POST (a crash then leaves it uncertain:
        -- resent with its webhook-id). Retention deletes delivered rows, so ids are never reused.
        CREATE TABLE webhooks_deliveries_v3 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            endpoint_id INTEGER NOT NULL REFERENCES webhooks_endpoints(id),
            event_id INTEGER NOT NULL REFERENCES events(id),
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            status_code INTEGER,
            error_kind TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL,
            delivered_at TEXT,
            claimed_by TEXT,
            claim_expires_at TEXT,
            next_attempt_at TEXT,
            message_id TEXT,
            sending_since TEXT,
            uncertain_at TEXT,
            UNIQUE (endpoint_id, event_id)
        );
        INSERT INTO webhooks_deliveries_v3 (id, endpoint_id, event_id, status, attempts, status_code, error_kind,
            last_error, created_at, delivered_at, claimed_by, claim_expires_at, next_attempt_at, message_id)
        SELECT id, endpoint_id, event_id, status, attempts, status_code, error_kind, last_error, created_at,
            delivered_at, claimed_by, claim_expires_at, next_attempt_at, message_id FROM webhooks_deliveries;
        DROP TABLE webhooks_deliveries;
        ALTER TABLE webhooks_deliveries_v3 RENAME TO webhooks_deliveries;
        CREATE INDEX webhooks_deliveries_status ON webhooks_deliveries(status, id);
        CREATE INDEX webhooks_deliveries_due ON webhooks_deliveries(status, next_attempt_at);
        CREATE INDEX webhooks_deliveries_endpoint_due ON webhooks_deliveries(endpoint_id, status, next_attempt_at);
        CREATE INDEX webhooks_deliveries_delivered ON webhooks_deliveries(status, delivered_at);
        CREATE INDEX webhooks_deliveries_uncertain ON webhooks_deliveries(uncertain_at) WHERE uncertain_at IS NOT NULL;
        -- Each endpoint has its own circuit: failures in a row, open until, the last error, so one receiver's
        -- outage is its own and shows on the endpoint.
        ALTER TABLE webhooks_endpoints ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE webhooks_endpoints ADD COLUMN open_until TEXT;
        ALTER TABLE webhooks_endpoints ADD COLUMN failing_since TEXT;
        ALTER TABLE webhooks_endpoints ADD COLUMN last_error TEXT;
        ALTER TABLE webhooks_endpoints ADD COLUMN last_error_kind TEXT;
        ALTER TABLE webhooks_endpoints ADD COLUMN last_delivered_at TEXT;
    """), Migration(4, """
        -- Where an endpoint's events begin (the newest event when it was created): dispatch looks a little
        -- behind its cursor for events that committed late (dispatch.py), never before this.
        ALTER TABLE webhooks_endpoints ADD COLUMN first_event_id INTEGER NOT NULL DEFAULT 0;
        UPDATE webhooks_endpoints SET first_event_id = last_event_id;
    """))
