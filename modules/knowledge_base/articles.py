"""Help-center articles: drafts and published, ranked search, and reader feedback."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from modules.knowledge_base.model import Article, ArticlePage, Hit, SearchResult
from skills import Filters, SkillContext, SkillFailed, fetch_one, fetch_page, skill
from skills.effects import effect

COLUMNS = "id, title, category, body, status, helpful, not_helpful, updated_at"


def terms(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 1]


def score(title: str, body: str, wanted: list[str]) -> int:
    """Title matches weigh 5, body matches 1 each (capped at 5 per word), so the best titles win."""
    title_words, body_words = terms(title), terms(body)
    return sum(5 * title_words.count(w) + min(5, body_words.count(w)) for w in wanted)


def snippet(body: str, wanted: list[str], width: int = 140) -> str:
    lowered = body.lower()
    positions = [lowered.find(w) for w in wanted if w in lowered]
    start = max(0, min(positions) - 40) if positions else 0
    text = " ".join(body[start:start + width].split())
    return ("…" if start else "") + text + ("…" if start + width < len(body) else "")


async def _fetch(ctx: SkillContext, article_id: int) -> Article:
    row = await fetch_one(
        ctx.db, f"SELECT {COLUMNS} FROM kb_articles WHERE id = ?", (article_id,),
        missing=f"no article with id {article_id}; knowledge_base_list_articles shows them")
    return Article(**row)


@skill(title="Write help article",
       effects=(effect("publication", when={"publish": True}),),
       examples=("write an faq entry", "document how to do something for customers"),
       synonyms=("faq", "help page", "docs", "guide"),
       instructions="""
    Creates a help-center article, or updates one when `article_id` is given. Articles start as
    drafts; set publish=true to make them searchable by customers (scope both).
    """)
async def write_article(
    ctx: SkillContext,
    title: Annotated[str, Field(min_length=3, max_length=200)],
    body: Annotated[str, Field(min_length=10)],
    category: str = "general",
    publish: bool = False,
    article_id: int | None = None,
) -> Article:
    """Create or update a knowledge-base article.

    Args:
        title: Article title.
        body: Article text in Markdown (at least 10 characters).
        category: Category, e.g. billing or shipping.
        publish: Publish now (otherwise it stays a draft).
        article_id: Update this article instead of creating one.
    """
    status = "published" if publish else "draft"
    if article_id is not None:
        await _fetch(ctx, article_id)
        await ctx.db.execute("UPDATE kb_articles SET title = ?, body = ?, category = ?, status = ?, updated_at = ? "
                             "WHERE id = ?", (title, body, category, status, ctx.now_iso(), article_id))
        return await _fetch(ctx, article_id)
    if await ctx.db.fetchone("SELECT 1 FROM kb_articles WHERE title = ?", (title,)):
        raise SkillFailed(f"an article titled {title!r} exists; pass its article_id to update it")
    result = await ctx.db.execute("INSERT INTO kb_articles (title, body, category, status, updated_at) "
                                  "VALUES (?, ?, ?, ?, ?)", (title, body, category, status, ctx.now_iso()))
    return await _fetch(ctx, result.lastrowid or 0)


@skill(title="Search help articles",
       examples=("is there an article about returns", "find help docs on shipping"),
       synonyms=("faq", "help page", "docs", "guide"),
       category="search", read_only=True,
       scope="both", instructions="""
       Ranked search over published articles: each query word found in the title weighs 5, in the
       body 1 per occurrence (up to 5). Returns the best matches with a snippet around the first hit.
       """)
async def search(ctx: SkillContext, query: Annotated[str, Field(min_length=2)], limit: int = 5) -> SearchResult:
    """Search published help articles by keywords, best match first.

    Args:
        query: Words to look for.
        limit: How many results (1-20).
    """
    wanted = terms(query)
    if not wanted:
        raise SkillFailed("the query has no searchable words; use letters or digits")
    rows = await ctx.db.fetchall("SELECT id, title, category, body FROM kb_articles WHERE status = 'published'")
    hits = sorted((Hit(id=r["id"], title=r["title"], category=r["category"], score=s,
                       snippet=snippet(r["body"], wanted))
                   for r in rows if (s := score(r["title"], r["body"], wanted)) > 0),
                  key=lambda h: (-h.score, h.id))
    return SearchResult(query=query, hits=hits[: max(1, min(limit, 20))])


@skill(title="List help articles",
       examples=("show the help center articles", "all faq pages"),
       synonyms=("faq", "help center", "docs"),
       read_only=True,
       instructions="Articles by status and category, most helpful first (helpful minus not helpful votes).")
async def list_articles(ctx: SkillContext, status: Literal["draft", "published"] | None = None,
                        category: str | None = None, limit: int = 50, offset: int = 0) -> ArticlePage:
    """List knowledge-base articles.

    Args:
        status: Only drafts or only published.
        category: Only this category.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    return await fetch_page(
        ctx.db, ArticlePage, select=COLUMNS, from_="kb_articles",
        filters=Filters().add("status = ?", status) .add("category = ?", category),
        order_by="helpful - not_helpful DESC, id", limit=limit, offset=offset)


@skill(title="Rate a help article",
       examples=("the article helped", "the help page was not useful"),
       synonyms=("helpful", "useful", "feedback", "vote"),
       scope="both",
       instructions="Records a reader's vote: helpful or not. Only published articles take votes.")
async def rate_article(ctx: SkillContext, article_id: int, helpful: bool) -> Article:
    """Record whether an article helped a reader.

    Args:
        article_id: The article's id.
        helpful: True if it helped.
    """
    article = await _fetch(ctx, article_id)
    if article.status != "published":
        raise SkillFailed(f"article {article_id} is a draft; only published articles take votes")
    column = "helpful" if helpful else "not_helpful"
    await ctx.db.execute(f"UPDATE kb_articles SET {column} = {column} + 1 WHERE id = ?", (article_id,))
    return await _fetch(ctx, article_id)
