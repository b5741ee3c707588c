"""Knowledge base: help articles with ranked search and reader feedback."""

from modules.knowledge_base import articles
from skills import Migration, Module, SkillContext

DEMO = [
    ("How to download an invoice", "billing", "Open Account, then Invoices, and choose Download PDF next to the "
     "invoice. Invoices are kept for seven years."),
    ("Delivery times and tracking", "shipping", "Orders ship within two working days. You receive a tracking link "
     "by email as soon as the parcel leaves the warehouse."),
]


async def seed_demo(ctx: SkillContext) -> None:
    for title, category, body in DEMO:
        await ctx.db.execute("INSERT INTO kb_articles (title, body, category, status, updated_at) "
                             "VALUES (?, ?, ?, 'published', ?)", (title, body, category, ctx.now_iso()))


module = Module(
    id="knowledge_base",
    name="Knowledge base",
    description="Help-center articles with ranked keyword search and helpful votes.",
    category="content",
    version="1.0.0",
    skills=(articles.write_article, articles.search, articles.list_articles, articles.rate_article),
    migrations=(Migration(1, """
        CREATE TABLE kb_articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT 'general',
            status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
            helpful INTEGER NOT NULL DEFAULT 0,
            not_helpful INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
    """),),
    seed_demo=seed_demo,
)
