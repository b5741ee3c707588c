"""Newsletter: double opt-in subscribers and campaigns sent through the email outbox."""

from modules.newsletter import campaigns, demo, subscribers
from modules.newsletter.schema import MIGRATIONS
from skills import Module

module = Module(
    id="newsletter",
    name="Newsletter",
    description="Double opt-in subscribers and campaigns delivered through the email outbox.",
    category="communication",
    version="1.0.0",
    requires=("business", "email"),
    skills=(subscribers.subscribe, subscribers.confirm, subscribers.unsubscribe, campaigns.create_campaign,
            campaigns.send_campaign, campaigns.stats),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
