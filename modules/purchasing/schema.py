"""Purchasing: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE purchasing_vendors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            email TEXT
        );
        CREATE TABLE purchasing_orders (
            id INTEGER PRIMARY KEY,
            vendor_id INTEGER NOT NULL REFERENCES purchasing_vendors(id),
            status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'partially_received', 'received', 'cancelled')),
            created_at TEXT NOT NULL
        );
        CREATE TABLE purchasing_lines (
            id INTEGER PRIMARY KEY,
            po_id INTEGER NOT NULL REFERENCES purchasing_orders(id),
            description TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            unit_cost_cents INTEGER NOT NULL,
            sku TEXT,
            received INTEGER NOT NULL DEFAULT 0
        );
    """),)
