"""Orders: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE orders_discount_codes (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('percent', 'fixed')),
            value INTEGER NOT NULL CHECK (value > 0),
            currency TEXT NOT NULL,
            min_order_cents INTEGER NOT NULL DEFAULT 0,
            valid_from TEXT,
            valid_until TEXT,
            max_redemptions INTEGER,
            created_at TEXT NOT NULL
        );
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL,
            customer TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'fulfilled', 'cancelled', 'refunded')),
            currency TEXT NOT NULL,
            subtotal_cents INTEGER NOT NULL CHECK (subtotal_cents >= 0),
            discount_code_id INTEGER REFERENCES orders_discount_codes(id),
            discount_code TEXT,
            discount_cents INTEGER NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
            total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
            payment_reference TEXT,
            reason TEXT,
            created_at TEXT NOT NULL,
            paid_at TEXT,
            fulfilled_at TEXT,
            cancelled_at TEXT,
            refunded_at TEXT
        );
        CREATE INDEX orders_status_created ON orders (status, created_at);
        CREATE TABLE orders_lines (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders(id),
            product_id INTEGER NOT NULL REFERENCES products(id),
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0)
        );
        CREATE INDEX orders_lines_order ON orders_lines (order_id);
    """),)
