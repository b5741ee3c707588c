"""Knowledge base: help articles with ranked search and reader feedback."""

from modules.knowledge_base import articles, demo
from modules.knowledge_base.schema import MIGRATIONS
from skills import Module

module = Module(
    id="knowledge_base",
    name="Knowledge base",
    description="Help-center articles with ranked keyword search and helpful votes.",
    category="content",
    version="1.0.0",
    skills=(articles.write_article, articles.search, articles.list_articles, articles.rate_article),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
