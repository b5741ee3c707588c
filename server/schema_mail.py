"""Core migration steps for what email carries: an HTML part, the sender's name, a Reply-To, files.

Listed at the end of ``CORE_MIGRATIONS`` (server/schema.py); a step here is never edited once applied.
"""

MAIL_MIGRATIONS: list[tuple[int, str]] = [
    (
        11,
        """
        -- Mail that reads well (issue 30): an email may carry an HTML part beside its text, the
        -- business's name as the sender's display name, a Reply-To, and files (an invoice's PDF).
        -- The attachments are the outbox's own copy: a retry sends the very bytes first queued.
        ALTER TABLE outbox ADD COLUMN html TEXT;
        ALTER TABLE outbox ADD COLUMN sender_name TEXT;
        ALTER TABLE outbox ADD COLUMN reply_to TEXT;
        CREATE TABLE outbox_attachments (
            id INTEGER PRIMARY KEY,
            outbox_id INTEGER NOT NULL REFERENCES outbox(id),
            filename TEXT NOT NULL,
            mime_type TEXT NOT NULL,
            content BLOB NOT NULL
        );
        CREATE INDEX outbox_attachments_message ON outbox_attachments(outbox_id, id);
        """,
    ),
]
