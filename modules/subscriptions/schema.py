"""Subscriptions: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE subscriptions_plans (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            price_cents INTEGER NOT NULL,
            interval TEXT NOT NULL CHECK (interval IN ('month', 'year'))
        );
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES subscriptions_plans(id),
            customer TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'cancelled')),
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL
        );
    """),)
