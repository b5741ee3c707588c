"""CRM: companies, leads with a qualification score, deals through pipeline stages."""

from modules.crm import companies, deals, demo, leads
from modules.crm.schema import MIGRATIONS
from skills import Automation, Module

module = Module(
    id="crm",
    name="CRM",
    description="Leads with a qualification score, companies, and deals through pipeline stages.",
    category="crm",
    version="1.0.0",
    skills=(
        companies.create_company, companies.list_companies,
        leads.create_lead, leads.get_lead, leads.list_leads, leads.qualify_leads, leads.set_lead_status,
        deals.create_deal, deals.move_deal, deals.pipeline_summary,
    ),
    automations=(
        Automation(name="Qualify new leads", trigger="cron", config={"schedule": "*/15 * * * *"},
                   skill="crm_qualify_leads", description="Score leads in status new every 15 minutes."),
    ),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
