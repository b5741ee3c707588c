"""Webinars: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE webinars (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            capacity INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled'))
        );
        CREATE TABLE webinars_registrations (
            id INTEGER PRIMARY KEY,
            webinar_id INTEGER NOT NULL REFERENCES webinars(id),
            email TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('registered', 'waitlisted', 'attended')),
            created_at TEXT NOT NULL,
            UNIQUE (webinar_id, email)
        );
    """),)
