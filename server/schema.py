"""Core tables, as versioned migrations (steps from 10 on: server/schema_later.py, where new ones go).
Module tables come from each module's own migrations. Never edit an applied step."""
from server.schema_later import LATER_MIGRATIONS

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
        -- Who asked for an approval (pilot, automation, system), and one pending request per skill
        -- and normalized arguments: duplicates already pending are expired, keeping the oldest.
        ALTER TABLE approvals ADD COLUMN requested_by TEXT NOT NULL DEFAULT 'pilot';
        UPDATE approvals SET status = 'expired', decided_by = 'system'
            WHERE status = 'pending' AND id NOT IN (
                SELECT MIN(id) FROM approvals WHERE status = 'pending' GROUP BY skill, arguments);
        CREATE UNIQUE INDEX approvals_one_pending ON approvals(skill, arguments) WHERE status = 'pending';
        -- Outbox deliveries are claimed (owner + claim expiry) before they are sent, keep one
        -- Message-ID across retries, and wait for next_attempt_at between failed attempts.
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
        ALTER TABLE outbox ADD COLUMN claim_expires_at TEXT;
        ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
        ALTER TABLE outbox ADD COLUMN message_id TEXT;
        CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
        """,
    ),
    (
        5,
        """
        -- Skills call models too (ctx.ai): which skill a call was for, and what it cost (NULL: no known price).
        ALTER TABLE ai_usage ADD COLUMN skill TEXT;
        ALTER TABLE ai_usage ADD COLUMN cost_usd REAL;
        """,
    ),
    (
        6,
        """
        -- Honest outcomes (issue 15). Events carry their causal chain: the root event (NULL: the
        -- event is a root) and the depth below it, so an automation does not fire past a limit.
        ALTER TABLE events ADD COLUMN root_id INTEGER;
        ALTER TABLE events ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
        -- Per automation: its runs in the current hour (the rate limit) and what it held back.
        ALTER TABLE automations ADD COLUMN window_start TEXT;
        ALTER TABLE automations ADD COLUMN window_runs INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE automations ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE automations ADD COLUMN held_reason TEXT;
        ALTER TABLE automations ADD COLUMN held_at TEXT;
        -- A skill that normally has an effect and has shown none for a day: flagged, reason kept.
        ALTER TABLE skill_state ADD COLUMN degraded_since TEXT;
        ALTER TABLE skill_state ADD COLUMN degraded_reason TEXT;
        -- Admin notifications coalesce: one per kind and key (a skill) per hour, with a count.
        ALTER TABLE notifications ADD COLUMN coalesce_key TEXT;
        ALTER TABLE notifications ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE notifications ADD COLUMN last_at TEXT;
        CREATE INDEX notifications_coalesce ON notifications(kind, coalesce_key, created_at);
        """,
    ),
    (
        7,
        """
        -- Trust building (Pattern 1): a request is an approval (an approve-trust skill) or a proposal
        -- (anything the agent would write in shadow mode), with the model's stated reason and the
        -- objective it served. The owner's trust choice per skill and per module lives beside the
        -- code's default (skills.trust), in columns seeding never writes.
        ALTER TABLE approvals ADD COLUMN kind TEXT NOT NULL DEFAULT 'approval';
        ALTER TABLE approvals ADD COLUMN reason TEXT;
        ALTER TABLE approvals ADD COLUMN objective TEXT;
        ALTER TABLE skills ADD COLUMN trust_override TEXT;
        ALTER TABLE modules ADD COLUMN trust_override TEXT;
        CREATE INDEX approvals_skill ON approvals(skill, id);
        """,
    ),
    (
        8,
        """
        -- Ids are never reused (a new row never takes the id of a deleted one). Retention
        -- deletes old activity, events and heartbeats; without this, once the newest were gone, a new
        -- event would take an id below an automation's or a webhook's cursor and never be sent, and an
        -- activity row or approval would point at a record it never meant. SQLite only sets this when a
        -- table is created: each table is rebuilt under the same name with every column and index it
        -- has after step 7, ids kept (store.migrate runs the step with foreign keys off and checks
        -- them after).
        CREATE TABLE activity_v8 (
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
        INSERT INTO activity_v8 (id, ts, caller, run_id, skill, module_id, input, output_summary, status,
            outcome, error_kind, error, duration_ms, attempts)
    SELECT id, ts, caller, run_id, skill, module_id, input, output_summary, status, outcome, error_kind,
        error, duration_ms, attempts FROM activity;
        DROP TABLE activity;
        ALTER TABLE activity_v8 RENAME TO activity;
        CREATE INDEX activity_eval ON activity(ts, skill, outcome);
        CREATE INDEX activity_run ON activity(run_id) WHERE run_id IS NOT NULL;
        CREATE INDEX activity_skill_window ON activity(skill, ts, outcome);

        CREATE TABLE events_v8 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}',
            source TEXT NOT NULL,
            created_at TEXT NOT NULL
        , root_id INTEGER, depth INTEGER NOT NULL DEFAULT 0);
        INSERT INTO events_v8 (id, name, payload, source, created_at, root_id, depth)
    SELECT id, name, payload, source, created_at, root_id, depth FROM events;
        DROP TABLE events;
        ALTER TABLE events_v8 RENAME TO events;
        CREATE INDEX events_name ON events(name, id);

        CREATE TABLE approvals_v8 (
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
        , requested_by TEXT NOT NULL DEFAULT 'pilot', kind TEXT NOT NULL DEFAULT 'approval', reason TEXT,
            objective TEXT);
        INSERT INTO approvals_v8 (id, skill, arguments, run_id, status, requested_at, expires_at, decided_at,
            decided_by, result, requested_by, kind, reason, objective)
    SELECT id, skill, arguments, run_id, status, requested_at, expires_at, decided_at, decided_by, result,
        requested_by, kind, reason, objective FROM approvals;
        DROP TABLE approvals;
        ALTER TABLE approvals_v8 RENAME TO approvals;
        CREATE UNIQUE INDEX approvals_one_pending ON approvals(skill, arguments) WHERE status = 'pending';
        CREATE INDEX approvals_skill ON approvals(skill, id);

        CREATE TABLE heartbeats_v8 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'idle', 'failed', 'timeout', 'skipped')),
            run_id TEXT,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        INSERT INTO heartbeats_v8 (id, started_at, finished_at, status, run_id, detail)
    SELECT id, started_at, finished_at, status, run_id, detail FROM heartbeats;
        DROP TABLE heartbeats;
        ALTER TABLE heartbeats_v8 RENAME TO heartbeats;
        """,
    ),
    (
        9,
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
    *LATER_MIGRATIONS,
]
