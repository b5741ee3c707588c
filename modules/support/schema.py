"""Support: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE support_tickets (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
            status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
            sla_due_at TEXT NOT NULL,
            sla_breached INTEGER NOT NULL DEFAULT 0,
            first_response_at TEXT,
            replies INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE TABLE support_messages (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES support_tickets(id),
            author TEXT NOT NULL CHECK (author IN ('customer', 'agent', 'note')),
            body TEXT NOT NULL,
            at TEXT NOT NULL
        );
    """),)
