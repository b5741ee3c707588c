"""Core migrations from step 9 on (server/schema.py holds steps 1 to 8 and ends with these).

Step 10 is who calls: access tokens, and the caller's name beside its kind.

Append a new (version, sql) step to change the schema; never edit an applied one. A step that
changes a column's definition rebuilds its table (create, copy, drop, rename: SQLite cannot alter
a CHECK), keeping every id; on PostgreSQL the store moves each identity past the copied ids.
"""

LATER_STEPS: list[tuple[int, str]] = [
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
    (
        10,
        """
        -- Access tokens per person and per integration (server/tables/access_tokens.py): only a
        -- SHA-256 of each token is kept. A name is unique among the tokens not revoked.
        CREATE TABLE access_tokens (
            id INTEGER PRIMARY KEY,  -- never deleted (a revoked token is kept), so no id is handed out twice
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            scopes TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT
        );
        CREATE UNIQUE INDEX access_tokens_one_name ON access_tokens(name) WHERE revoked_at IS NULL;
        -- Who called, beside the kind of caller (mcp, cli, pilot...): a token's name, the local account.
        ALTER TABLE activity ADD COLUMN caller_name TEXT;
        ALTER TABLE approvals ADD COLUMN decided_by_name TEXT;
        """,
    ),
    (
        11,
        """
        -- One owner per job (issue 27): the blog's own automation publishes scheduled posts; the platform
        -- schedule that ran every *_publish_due skill beside it (so each ran twice) is gone.
        DELETE FROM schedules WHERE name = 'scheduled_publisher';
        DELETE FROM locks WHERE name = 'schedule:scheduled_publisher';
        """,
    ),
    (
        12,
        """
        -- Issue 27. The outbox: each message is marked in flight just before it is sent (sending_since);
        -- a row taken over from a deliverer that died with it so marked is uncertain (uncertain_at) and is
        -- resent with its one identity, given at enqueue (message_id). Retention deletes sent rows, so
        -- ids are never reused, like every table rows are deleted from.
        CREATE TABLE outbox_v11 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
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
            sent_at TEXT,
            claimed_by TEXT,
            claim_expires_at TEXT,
            next_attempt_at TEXT,
            message_id TEXT,
            sending_since TEXT,
            uncertain_at TEXT
        );
        INSERT INTO outbox_v11 (id, channel, recipient, subject, body, headers, purpose, status, attempts,
            last_error, error_kind, created_at, sent_at, claimed_by, claim_expires_at, next_attempt_at, message_id)
        SELECT id, channel, recipient, subject, body, headers, purpose, status, attempts, last_error, error_kind,
            created_at, sent_at, claimed_by, claim_expires_at, next_attempt_at, message_id FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v11 RENAME TO outbox;
        CREATE INDEX outbox_status ON outbox(status, id);
        CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
        CREATE INDEX outbox_sent ON outbox(status, sent_at);
        CREATE INDEX outbox_uncertain ON outbox(uncertain_at) WHERE uncertain_at IS NOT NULL;

        -- Approved actions: claimed as running (by a holder with a lease) before they run, so one whose
        -- process died mid-run is found and marked uncertain for a person, never left "executed".
        CREATE TABLE approvals_v11 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            skill TEXT NOT NULL,
            arguments TEXT NOT NULL,
            run_id TEXT,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                ('pending', 'approved', 'running', 'rejected', 'executed', 'failed', 'expired', 'uncertain')),
            requested_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            decided_at TEXT,
            decided_by TEXT,
            result TEXT,
            requested_by TEXT NOT NULL DEFAULT 'pilot',
            kind TEXT NOT NULL DEFAULT 'approval',
            reason TEXT,
            objective TEXT,
            holder TEXT,
            decided_by_name TEXT
        );
        INSERT INTO approvals_v11 (id, skill, arguments, run_id, status, requested_at, expires_at, decided_at,
            decided_by, result, requested_by, kind, reason, objective, decided_by_name)
        SELECT id, skill, arguments, run_id, status, requested_at, expires_at, decided_at, decided_by, result,
            requested_by, kind, reason, objective, decided_by_name FROM approvals;
        DROP TABLE approvals;
        ALTER TABLE approvals_v11 RENAME TO approvals;
        CREATE UNIQUE INDEX approvals_one_pending ON approvals(skill, arguments) WHERE status = 'pending';
        CREATE INDEX approvals_skill ON approvals(skill, id);

        -- Retention deletes read notifications and old AI usage: ids never reused.
        CREATE TABLE notifications_v11 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            read_at TEXT,
            coalesce_key TEXT,
            repeats INTEGER NOT NULL DEFAULT 1,
            last_at TEXT
        );
        INSERT INTO notifications_v11 (id, kind, title, body, created_at, read_at, coalesce_key, repeats, last_at)
        SELECT id, kind, title, body, created_at, read_at, coalesce_key, repeats, last_at FROM notifications;
        DROP TABLE notifications;
        ALTER TABLE notifications_v11 RENAME TO notifications;
        CREATE INDEX notifications_coalesce ON notifications(kind, coalesce_key, created_at);
        CREATE INDEX notifications_read ON notifications(read_at) WHERE read_at IS NOT NULL;

        CREATE TABLE ai_usage_v11 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts TEXT NOT NULL,
            run_id TEXT,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            tier TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            latency_ms REAL NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            error_kind TEXT,
            skill TEXT,
            cost_usd REAL
        );
        INSERT INTO ai_usage_v11 (id, ts, run_id, provider, model, tier, prompt_tokens, completion_tokens, latency_ms,
            status, error_kind, skill, cost_usd)
        SELECT id, ts, run_id, provider, model, tier, prompt_tokens, completion_tokens, latency_ms, status, error_kind,
            skill, cost_usd FROM ai_usage;
        DROP TABLE ai_usage;
        ALTER TABLE ai_usage_v11 RENAME TO ai_usage;
        CREATE INDEX ai_usage_ts ON ai_usage(ts);

        -- Automations lose rows now (step 13): ids never reused.
        CREATE TABLE automations_v11 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
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
            window_start TEXT,
            window_runs INTEGER NOT NULL DEFAULT 0,
            held INTEGER NOT NULL DEFAULT 0,
            held_reason TEXT,
            held_at TEXT,
            UNIQUE (module_id, name)
        );
        INSERT INTO automations_v11 (id, module_id, name, trigger, config, skill, arguments, executor, enabled,
            description, next_run, last_run, last_status, last_event_id, window_start, window_runs, held,
            held_reason, held_at)
        SELECT id, module_id, name, trigger, config, skill, arguments, executor, enabled, description, next_run,
            last_run, last_status, last_event_id, window_start, window_runs, held, held_reason, held_at
        FROM automations;
        DROP TABLE automations;
        ALTER TABLE automations_v11 RENAME TO automations;
        """,
    ),
    (
        13,
        """
        -- Delivery is no automation any more: every serve and worker process delivers whenever messages are
        -- due (server/delivery_loop.py), instead of one process a minute behind the dispatcher's lease. (A step
        -- of its own: the rebuild's identities are set past these ids first, so they are never handed out again.)
        DELETE FROM automations WHERE skill IN ('email_deliver_outbox', 'webhooks_dispatch_events');
        """,
    ),
    (
        14,
        """
        -- Idempotency keys for callers (server/idempotency.py, the table's owner): the first result of a
        -- call made with a key, replayed when the same call comes again with it; kept a day (retention).
        CREATE TABLE idempotency_keys (
            key TEXT PRIMARY KEY,
            skill TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'done')),
            result TEXT,
            holder TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
        """,
    ),
    (
        15,
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
    (
        16,
        """
        -- The AI provider chain, whose tables the provider layer owns: ai_providers, the chain set once for
        -- every process (server/providers/stored.py: endpoints, models per tier, a context window and a
        -- reference to the key, never a key); provider_views, the chain each serve or worker resolved
        -- (server/providers/views.py).
        CREATE TABLE ai_providers (
            provider TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            base_url TEXT,
            model_fast TEXT,
            model_reasoning TEXT,
            key_ref TEXT,
            context_window INTEGER,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE provider_views (
            holder TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            chain TEXT NOT NULL,
            started_at TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        """,
    ),
    (
        17,
        """
        -- Mail that reads well (issue 30): an email may carry an HTML part beside its text, and files (an
        -- invoice's PDF); the sender's display name and the Reply-To travel in the row's headers. The
        -- attachments are the outbox's own copy: a retry sends the very bytes first queued.
        ALTER TABLE outbox ADD COLUMN html TEXT;
        CREATE TABLE outbox_attachments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- deleted with their message (retention): ids never reused
            outbox_id INTEGER NOT NULL REFERENCES outbox(id),
            filename TEXT NOT NULL,
            mime_type TEXT NOT NULL,
            content BLOB NOT NULL
        );
        CREATE INDEX outbox_attachments_message ON outbox_attachments(outbox_id, id);
        """,
    ),
    (
        18,
        """
        -- Decisions show their consequence (server/previews.py): a request keeps the preview of what
        -- approving it does, and a caller's dry run is an activity row of its own outcome, dry_run.
        -- SQLite cannot change a CHECK in place: the table is rebuilt under the same name with every
        -- column and index, ids kept (PostgreSQL's store moves the identity past them afterwards).
        ALTER TABLE approvals ADD COLUMN preview TEXT;
        CREATE TABLE activity_v18 (
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
            attempts INTEGER NOT NULL DEFAULT 1,
            caller_name TEXT
        );
        INSERT INTO activity_v18 (id, ts, caller, run_id, skill, module_id, input, output_summary, status,
            outcome, error_kind, error, duration_ms, attempts, caller_name)
        SELECT id, ts, caller, run_id, skill, module_id, input, output_summary, status, outcome, error_kind,
            error, duration_ms, attempts, caller_name FROM activity;
        DROP TABLE activity;
        ALTER TABLE activity_v18 RENAME TO activity;
        CREATE INDEX activity_eval ON activity(ts, skill, outcome);
        CREATE INDEX activity_run ON activity(run_id) WHERE run_id IS NOT NULL;
        CREATE INDEX activity_skill_window ON activity(skill, ts, outcome);
        """,
    ),
]
