"""Bookings: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE bookings_services (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            duration_min INTEGER NOT NULL,
            buffer_min INTEGER NOT NULL DEFAULT 0,
            price_cents INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE bookings_hours (
            weekday INTEGER PRIMARY KEY CHECK (weekday BETWEEN 0 AND 6),
            opens TEXT,
            closes TEXT
        );
        CREATE TABLE bookings_appointments (
            id INTEGER PRIMARY KEY,
            service_id INTEGER NOT NULL REFERENCES bookings_services(id),
            customer_name TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
            created_at TEXT NOT NULL
        );
        CREATE INDEX bookings_appointments_start ON bookings_appointments(status, starts_at);
    """),)
