"""Newsletter: double opt-in subscribers and campaigns sent through the email outbox."""

from modules.newsletter import campaigns, subscribers
from skills import Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    for email in ("maria@northwind.example", "li@kestrel.example"):
        await ctx.db.execute("INSERT INTO newsletter_subscribers (email, status, created_at, confirmed_at) "
                             "VALUES (?, 'active', ?, ?)", (email, ctx.now_iso(), ctx.now_iso()))
    await ctx.db.execute("INSERT INTO newsletter_campaigns (subject, body, status, created_at) VALUES "
                         "('November news', 'Our spring collection preview is out. Read it on the blog.', 'draft', ?)",
                         (ctx.now_iso(),))


module = Module(
    id="newsletter",
    name="Newsletter",
    description="Double opt-in subscribers and campaigns delivered through the email outbox.",
    category="communication",
    version="1.0.0",
    requires=("email",),
    skills=(subscribers.subscribe, subscribers.confirm, subscribers.unsubscribe, campaigns.create_campaign,
            campaigns.send_campaign, campaigns.stats),
    migrations=(Migration(1, """
        CREATE TABLE newsletter_subscribers (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed')),
            token TEXT UNIQUE,
            created_at TEXT NOT NULL,
            confirmed_at TEXT
        );
        CREATE TABLE newsletter_campaigns (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'sent')),
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE TABLE newsletter_sends (
            campaign_id INTEGER NOT NULL REFERENCES newsletter_campaigns(id),
            subscriber_id INTEGER NOT NULL REFERENCES newsletter_subscribers(id),
            outbox_id INTEGER NOT NULL,
            PRIMARY KEY (campaign_id, subscriber_id)
        );
    """),),
    seed_demo=seed_demo,
)
