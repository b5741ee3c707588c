"""Email: templates, the outbox, and delivery over SMTP (plus notification webhooks)."""

from modules.email import delivery, outbox, templates
from skills import Automation, Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    now = ctx.now_iso()
    for name, subject, body in (
        ("welcome", "Welcome, {{first_name}}!", "Hi {{first_name}},\n\nThanks for signing up.\n"),
        ("invoice-reminder", "Invoice {{number}} is overdue", "Hello,\n\nInvoice {{number}} is {{days}} days "
                                                              "overdue. Please pay at your earliest convenience.\n"),
    ):
        await ctx.db.execute("INSERT INTO email_templates (name, subject, body, created_at) VALUES (?, ?, ?, ?)",
                             (name, subject, body, now))


module = Module(
    id="email",
    name="Email",
    description="Email templates, the outbox, and delivery over a configured SMTP server.",
    category="communication",
    version="1.0.0",
    skills=(templates.create_template, templates.list_templates, outbox.send, outbox.list_outbox,
            outbox.retry_failed, delivery.deliver_outbox),
    automations=(Automation(name="Deliver the outbox", trigger="cron", config={"schedule": "* * * * *"},
                            skill="email_deliver_outbox", description="Send pending emails and notifications."),),
    migrations=(Migration(1, """
        CREATE TABLE email_templates (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
    """),),
    seed_demo=seed_demo,
)
