"""Business: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        -- One row: the business's identity. NULL means not set (the profile shows the default).
        CREATE TABLE business_profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            legal_name TEXT,
            trading_name TEXT,
            address_line1 TEXT,
            address_line2 TEXT,
            postal_code TEXT,
            city TEXT,
            region TEXT,
            country TEXT,
            tax_id TEXT,
            company_number TEXT,
            email TEXT,
            phone TEXT,
            website TEXT,
            iban TEXT,
            bic TEXT,
            bank_name TEXT,
            payment_link TEXT,
            currency TEXT,
            locale TEXT,
            time_zone TEXT,
            payment_terms_days INTEGER,
            invoice_terms TEXT,
            logo BLOB,
            logo_mime TEXT,
            logo_width INTEGER,
            logo_height INTEGER,
            logo_sha256 TEXT,
            updated_at TEXT NOT NULL
        );
        -- Every PDF that went out, byte for byte as it went (an issued row is never updated), plus
        -- at most one preview per draft, replaced on each render.
        CREATE TABLE business_documents (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'quote', 'reminder')),
            source TEXT NOT NULL,
            number TEXT,
            status TEXT NOT NULL CHECK (status IN ('issued', 'preview')),
            recipient TEXT NOT NULL,
            filename TEXT NOT NULL,
            mime_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            content BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX business_documents_source ON business_documents(source, status);
        CREATE INDEX business_documents_number ON business_documents(number);
    """),)
