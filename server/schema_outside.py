"""Core migration steps for text written outside the business that the agent read (server/trust/outside.py).

Listed at the end of ``CORE_MIGRATIONS`` (server/schema.py); a step here is never edited once applied.
"""

OUTSIDE_MIGRATIONS: list[tuple[int, str]] = [
    (
        11,
        """
        -- Text written outside the business that an agent run read (server/trust/outside.py), and the
        -- snapshot of it a request made after such a read shows the person deciding.
        CREATE TABLE outside_reads (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL,
            activity_id INTEGER,
            skill TEXT NOT NULL,
            field TEXT NOT NULL,
            excerpt TEXT NOT NULL,
            read_at TEXT NOT NULL
        );
        CREATE INDEX outside_reads_run ON outside_reads(run_id, id);
        CREATE INDEX outside_reads_at ON outside_reads(read_at);
        ALTER TABLE approvals ADD COLUMN outside TEXT;
        """,
    ),
]
