from skills import Migration

MIGRATIONS = (
    Migration(1, """
        CREATE TABLE crm_companies (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            domain TEXT,
            industry TEXT,
            size INTEGER,
            created_at TEXT NOT NULL
        );
        CREATE TABLE crm_leads (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT,
            company_id INTEGER REFERENCES crm_companies(id),
            source TEXT NOT NULL DEFAULT 'manual',
            status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'qualified', 'contacted', 'converted', 'lost')),
            score INTEGER,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX crm_leads_status ON crm_leads(status, id);
        CREATE TABLE crm_deals (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            lead_id INTEGER REFERENCES crm_leads(id),
            company_id INTEGER REFERENCES crm_companies(id),
            value_cents INTEGER NOT NULL CHECK (value_cents >= 0),
            currency TEXT NOT NULL DEFAULT 'EUR',
            stage TEXT NOT NULL DEFAULT 'prospect',
            expected_close TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX crm_deals_stage ON crm_deals(stage);
        CREATE TABLE crm_deal_history (
            id INTEGER PRIMARY KEY,
            deal_id INTEGER NOT NULL REFERENCES crm_deals(id),
            from_stage TEXT,
            to_stage TEXT NOT NULL,
            at TEXT NOT NULL
        );
    """),
)
