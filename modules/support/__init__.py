"""Support: tickets with SLA due times by priority, replies, a status machine and SLA checks."""

from modules.support import demo, tickets
from modules.support.schema import MIGRATIONS
from skills import Automation, Module

module = Module(
    id="support",
    name="Support",
    description="Support tickets with priority-based SLA due times, replies and breach checks.",
    category="communication",
    version="1.0.0",
    skills=(tickets.open_ticket, tickets.reply, tickets.set_status, tickets.list_tickets, tickets.get_ticket,
            tickets.check_sla),
    automations=(Automation(name="SLA check", trigger="cron", config={"schedule": "*/15 * * * *"},
                            skill="support_check_sla", description="Flag tickets past their SLA."),),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
