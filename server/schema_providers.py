"""Core migration steps for the AI provider chain, whose tables the provider layer owns.

    ai_providers     the chain set once for every process of the instance (server/providers/stored.py):
                     position, endpoint, models per tier, a context window, and a reference to the key,
                     never a key
    provider_views   the chain each running serve or worker process uses, as it resolved it
                     (server/providers/views.py)

Listed at the end of ``CORE_MIGRATIONS`` (server/schema.py); a step here is never edited once applied.
"""

PROVIDER_MIGRATIONS: list[tuple[int, str]] = [
    (
        11,
        """
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
]
