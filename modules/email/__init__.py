"""Email: templates, the outbox, and delivery over SMTP (plus notification webhooks)."""

from modules.email import delivery, demo, outbox, setup, templates
from modules.email.attention import ATTENTION
from modules.email.schema import MIGRATIONS
from modules.email.settings import EmailSettings
from skills import Module

module = Module(
    id="email",
    name="Email",
    description="Email templates, the outbox, and delivery over a configured SMTP server.",
    category="communication",
    version="1.0.0",
    skills=(templates.create_template, templates.update_template, templates.list_templates, outbox.send,
            outbox.list_outbox, outbox.retry_failed, delivery.deliver_outbox, setup.send_test),
    # No automation: every serve and worker process delivers whenever messages are due
    # (server/delivery_loop.py), each message claimed so it leaves once.
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
    settings=EmailSettings,
    attention=ATTENTION,
)
