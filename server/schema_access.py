"""Core migration steps for who calls: access tokens, and the caller's name beside its kind.

Listed at the end of ``CORE_MIGRATIONS`` (server/schema.py); a step here is never edited once applied.
"""

ACCESS_MIGRATIONS: list[tuple[int, str]] = [
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
]
