"""Contracts: terms and notice periods, renewal checks, renewals and terminations."""

from modules.contracts import contracts, demo
from skills import Automation, Migration, Module

module = Module(
    id="contracts",
    name="Contracts",
    description="Agreements with terms and notice periods; upcoming renewals flagged before the deadline.",
    category="finance",
    version="1.0.0",
    skills=(contracts.create, contracts.list_contracts, contracts.check_renewals, contracts.renew,
            contracts.terminate),
    automations=(Automation(name="Renewal check", trigger="cron", config={"schedule": "0 8 * * *"},
                            skill="contracts_check_renewals",
                            description="Flag contracts nearing their notice deadline."),),
    migrations=(Migration(1, """
        CREATE TABLE contracts (
            id INTEGER PRIMARY KEY,
            party TEXT NOT NULL,
            title TEXT NOT NULL,
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL,
            value_cents INTEGER NOT NULL,
            term_months INTEGER NOT NULL,
            notice_days INTEGER NOT NULL,
            auto_renew INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'terminated')),
            flagged_end TEXT
        );
    """),),
    seed_demo=demo.seed,
)
