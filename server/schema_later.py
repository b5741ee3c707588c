"""Core migration steps from 10 on (server/schema.py holds steps 1 to 9 and had reached its size).

Append a new (version, sql) step here; never edit an applied one.
"""

LATER_MIGRATIONS: list[tuple[int, str]] = [
    (
        10,
        """
        -- Decisions show their consequence (server/previews.py): a request keeps the preview of what
        -- approving it does, and a caller's dry run is an activity row of its own outcome, dry_run.
        -- SQLite cannot change a CHECK in place: the table is rebuilt under the same name with every
        -- column and index, ids kept (PostgreSQL's store moves the identity past them afterwards).
        ALTER TABLE approvals ADD COLUMN preview TEXT;
        CREATE TABLE activity_v10 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts TEXT NOT NULL,
            caller TEXT NOT NULL CHECK (caller IN ('mcp', 'cli', 'pilot', 'automation', 'system')),
            run_id TEXT,
            skill TEXT NOT NULL,
            module_id TEXT,
            input TEXT NOT NULL DEFAULT '{}',
            output_summary TEXT,
            status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'pending')),
            outcome TEXT NOT NULL CHECK (outcome IN
                ('success', 'partial', 'no_effect', 'negative', 'neutral', 'too_early', 'dry_run')),
            error_kind TEXT,
            error TEXT,
            duration_ms REAL NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 1
        );
        INSERT INTO activity_v10 (id, ts, caller, run_id, skill, module_id, input, output_summary, status,
            outcome, error_kind, error, duration_ms, attempts)
    SELECT id, ts, caller, run_id, skill, module_id, input, output_summary, status, outcome, error_kind,
        error, duration_ms, attempts FROM activity;
        DROP TABLE activity;
        ALTER TABLE activity_v10 RENAME TO activity;
        CREATE INDEX activity_eval ON activity(ts, skill, outcome);
        CREATE INDEX activity_run ON activity(run_id) WHERE run_id IS NOT NULL;
        CREATE INDEX activity_skill_window ON activity(skill, ts, outcome);
        """,
    ),
]
