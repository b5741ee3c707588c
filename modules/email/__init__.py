"""Email: templates, the outbox, and delivery over SMTP (plus notification webhooks)."""

from modules.email import delivery, demo, outbox, templates
from modules.email.schema import MIGRATIONS
from skills import Automation, Module

module = Module(
    id="email",
    name="Email",
    description="Email templates, the outbox, and delivery over a configured SMTP server.",
    category="communication",
    version="1.0.0",
    skills=(templates.create_template, templates.update_template, templates.list_templates, outbox.send,
            outbox.list_outbox, outbox.retry_failed, delivery.deliver_outbox),
    automations=(Automation(name="Deliver the outbox", trigger="cron", config={"schedule": "* * * * *"},
                            skill="email_deliver_outbox", description="Send pending emails and notifications."),),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
