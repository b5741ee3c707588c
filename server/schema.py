"""Core tables, as versioned migrations. Module tables come from each module's own migrations.

Append a new (version, sql) step to change the schema; never edit an applied one.
"""

CORE_MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE modules (
            id TEXT PRIMARY KEY,
            enabled INTEGER NOT NULL DEFAULT 0,
            bootstrapped INTEGER NOT NULL DEFAULT 0,
            version TEXT NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            changed_at TEXT NOT NULL
        );
        CREATE TABLE skills (
            name TEXT PRIMARY KEY,
            module_id TEXT NOT NULL REFERENCES modules(id),
            enabled INTEGER NOT NULL DEFAULT 1,
            paused_reason TEXT,
            paused_at TEXT,
            trust TEXT NOT NULL,
            category TEXT NOT NULL,
            scope TEXT NOT NULL,
            description TEXT NOT NULL,
            instructions TEXT NOT NULL,
            seeded_at TEXT NOT NULL
        );
        CREATE INDEX skills_module ON skills(module_id);
        CREATE TABLE skill_state (
            skill TEXT PRIMARY KEY,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            breaker TEXT NOT NULL DEFAULT 'closed' CHECK (breaker IN ('closed', 'open', 'half_open')),
            open_until TEXT,
            cooldown_s REAL NOT NULL DEFAULT 0,
            probe_started_at TEXT,
            consecutive_hard_negatives INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE automations (
            id INTEGER PRIMARY KEY,
            module_id TEXT NOT NULL REFERENCES modules(id),
            name TEXT NOT NULL,
            trigger TEXT NOT NULL CHECK (trigger IN ('cron', 'event')),
            config TEXT NOT NULL,
            skill TEXT NOT NULL,
            arguments TEXT NOT NULL DEFAULT '{}',
            executor TEXT NOT NULL CHECK (executor IN ('platform', 'pilot')),
            enabled INTEGER NOT NULL DEFAULT 1,
            description TEXT NOT NULL DEFAULT '',
            next_run TEXT,
            last_run TEXT,
            last_status TEXT,
            last_event_id INTEGER NOT NULL DEFAULT 0,
            UNIQUE (module_id, name)
        );
        CREATE TABLE schedules (
            name TEXT PRIMARY KEY,
            cron TEXT NOT NULL,
            timezone TEXT NOT NULL DEFAULT 'UTC',
            enabled INTEGER NOT NULL DEFAULT 1,
            last_run TEXT,
            next_run TEXT,
            last_status TEXT
        );
        CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            ts TEXT NOT NULL,
            caller TEXT NOT NULL CHECK (caller IN ('mcp', 'cli', 'pilot', 'automation', 'system')),
            run_id TEXT,
            skill TEXT NOT NULL,
            module_id TEXT,
            input TEXT NOT NULL DEFAULT '{}',
            output_summary TEXT,
            status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'pending')),
            outcome TEXT NOT NULL CHECK (outcome IN
                ('success', 'partial', 'no_effect', 'negative', 'neutral', 'too_early')),
            error_kind TEXT,
            error TEXT,
            duration_ms REAL NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX activity_skill_ts ON activity(skill, ts);
        -- Covers the 24 h evaluation and usage ranking without touching the table.
        CREATE INDEX activity_eval ON activity(ts, skill, outcome);
        CREATE INDEX activity_run ON activity(run_id) WHERE run_id IS NOT NULL;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}',
            source TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX events_name ON events(name, id);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            headers TEXT NOT NULL DEFAULT '{}',
            purpose TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            error_kind TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX outbox_status ON outbox(status, id);
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            read_at TEXT
        );
        CREATE TABLE memory (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT 'general',
            updated_at TEXT NOT NULL
        );
        CREATE TABLE objectives (
            id INTEGER PRIMARY KEY,
            goal TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'completed', 'paused', 'failed')),
            priority INTEGER NOT NULL DEFAULT 3,
            deadline TEXT,
            cadence TEXT,
            success_criteria TEXT NOT NULL DEFAULT '',
            plan TEXT NOT NULL DEFAULT '[]',
            kind TEXT,
            evidence TEXT NOT NULL DEFAULT '[]',
            locked_until TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'completed', 'failed', 'timeout')),
            cursor INTEGER NOT NULL DEFAULT 0,
            plan TEXT NOT NULL DEFAULT '[]',
            state TEXT NOT NULL DEFAULT '{}',
            stop_reason TEXT,
            paused_reason TEXT,
            resume_after TEXT,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE heartbeats (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'idle', 'failed', 'timeout', 'skipped')),
            run_id TEXT,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE locks (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE TABLE approvals (
            id INTEGER PRIMARY KEY,
            skill TEXT NOT NULL,
            arguments TEXT NOT NULL,
            run_id TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'rejected', 'executed', 'failed', 'expired')),
            requested_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            decided_at TEXT,
            decided_by TEXT,
            result TEXT
        );
        CREATE TABLE ai_usage (
            id INTEGER PRIMARY KEY,
            ts TEXT NOT NULL,
            run_id TEXT,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            tier TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            latency_ms REAL NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            error_kind TEXT
        );
        CREATE TABLE provider_state (
            provider TEXT PRIMARY KEY,
            cooldown_until TEXT,
            reason TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        """,
    ),
    (
        2,
        """
        -- The 24 h evaluation groups by skill over a time window: with (skill, ts, outcome) it reads
        -- only the index, in skill order, with no sort (1M rows in the window: ~0.15 s instead of ~1.5 s).
        -- It supersedes activity_skill_ts, which is its prefix.
        CREATE INDEX activity_skill_window ON activity(skill, ts, outcome);
        DROP INDEX activity_skill_ts;
        """,
    ),
    (
        3,
        """
        -- Derived values the runtime may recompute at will (e.g. the MCP tier chosen for a catalog),
        -- kept apart from the agent's memory so its skills never see them.
        CREATE TABLE runtime_cache (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    ),
    (
        4,
        """
        -- Ids are never reused (a new row never takes the id of a deleted one). Retention
        -- deletes old activity, events and heartbeats; without this, once the newest were gone, a new
        -- event would take an id below an automation's or a webhook's cursor and never be sent, and an
        -- activity row or approval would point at a record it never meant. SQLite only sets this when a
        -- table is created: each table is rebuilt under the same name, ids kept (store.migrate runs the
        -- step with foreign keys off and checks them after).
        CREATE TABLE activity_v4 (
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
                ('success', 'partial', 'no_effect', 'negative', 'neutral', 'too_early')),
            error_kind TEXT,
            error TEXT,
            duration_ms REAL NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 1
        );
        INSERT INTO activity_v4 (id, ts, caller, run_id, skill, module_id, input, output_summary, status, outcome,
            error_kind, error, duration_ms, attempts)
            SELECT id, ts, caller, run_id, skill, module_id, input, output_summary, status, outcome, error_kind,
                error, duration_ms, attempts FROM activity;
        DROP TABLE activity;
        ALTER TABLE activity_v4 RENAME TO activity;
        CREATE INDEX activity_eval ON activity(ts, skill, outcome);
        CREATE INDEX activity_run ON activity(run_id) WHERE run_id IS NOT NULL;
        CREATE INDEX activity_skill_window ON activity(skill, ts, outcome);

        CREATE TABLE events_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}',
            source TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        INSERT INTO events_v4 (id, name, payload, source, created_at)
            SELECT id, name, payload, source, created_at FROM events;
        DROP TABLE events;
        ALTER TABLE events_v4 RENAME TO events;
        CREATE INDEX events_name ON events(name, id);

        CREATE TABLE approvals_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            skill TEXT NOT NULL,
            arguments TEXT NOT NULL,
            run_id TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'rejected', 'executed', 'failed', 'expired')),
            requested_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            decided_at TEXT,
            decided_by TEXT,
            result TEXT
        );
        INSERT INTO approvals_v4 (id, skill, arguments, run_id, status, requested_at, expires_at, decided_at,
            decided_by, result)
            SELECT id, skill, arguments, run_id, status, requested_at, expires_at, decided_at, decided_by, result
            FROM approvals;
        DROP TABLE approvals;
        ALTER TABLE approvals_v4 RENAME TO approvals;

        CREATE TABLE heartbeats_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'idle', 'failed', 'timeout', 'skipped')),
            run_id TEXT,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        INSERT INTO heartbeats_v4 (id, started_at, finished_at, status, run_id, detail)
            SELECT id, started_at, finished_at, status, run_id, detail FROM heartbeats;
        DROP TABLE heartbeats;
        ALTER TABLE heartbeats_v4 RENAME TO heartbeats;
        """,
    ),
    (
        5,
        """
        -- Retention (server/retention.py): activity older than the full-detail window is folded into
        -- one row per skill and day, which trends and learning read beside the rows still kept.
        CREATE TABLE activity_daily (
            day TEXT NOT NULL,
            skill TEXT NOT NULL,
            calls INTEGER NOT NULL DEFAULT 0,
            refused INTEGER NOT NULL DEFAULT 0,
            ok INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            negatives INTEGER NOT NULL DEFAULT 0,
            duration_ms REAL NOT NULL DEFAULT 0,
            error_kinds TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (day, skill)
        );
        CREATE INDEX events_created ON events(created_at);
        CREATE INDEX heartbeats_started ON heartbeats(started_at);
        """,
    ),
]
