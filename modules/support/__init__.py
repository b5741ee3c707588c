"""Support: tickets with SLA due times by priority, replies, a status machine and SLA checks."""

from datetime import timedelta

from modules.support import tickets
from skills import Automation, Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    now = ctx.now()
    for subject, email, priority, hours_ago in (("Cannot download my invoice", "tom@blueharbor.example", "high", 9),
                                                ("Question about delivery times", "li@kestrel.example", "normal", 2)):
        created = now - timedelta(hours=hours_ago)
        due = created + timedelta(hours=tickets.FIRST_RESPONSE_HOURS[priority])
        result = await ctx.db.execute(
            "INSERT INTO support_tickets (subject, customer_email, priority, status, sla_due_at, created_at) "
            "VALUES (?, ?, ?, 'open', ?, ?)", (subject, email, priority, due.isoformat(), created.isoformat()))
        await ctx.db.execute("INSERT INTO support_messages (ticket_id, author, body, at) VALUES (?, 'customer', ?, ?)",
                             (result.lastrowid, subject + ".", created.isoformat()))


module = Module(
    id="support",
    name="Support",
    description="Support tickets with priority-based SLA due times, replies and breach checks.",
    category="communication",
    version="1.0.0",
    skills=(tickets.open_ticket, tickets.reply, tickets.set_status, tickets.list_tickets, tickets.check_sla),
    automations=(Automation(name="SLA check", trigger="cron", config={"schedule": "*/15 * * * *"},
                            skill="support_check_sla", description="Flag tickets past their SLA."),),
    migrations=(Migration(1, """
        CREATE TABLE support_tickets (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
            status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
            sla_due_at TEXT NOT NULL,
            sla_breached INTEGER NOT NULL DEFAULT 0,
            first_response_at TEXT,
            replies INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE TABLE support_messages (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES support_tickets(id),
            author TEXT NOT NULL CHECK (author IN ('customer', 'agent', 'note')),
            body TEXT NOT NULL,
            at TEXT NOT NULL
        );
    """),),
    seed_demo=seed_demo,
)
