"""Contracts: terms and notice periods, renewal checks, renewals and terminations."""

from modules.contracts import contracts, demo
from modules.contracts.schema import MIGRATIONS
from skills import Automation, Module

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
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
