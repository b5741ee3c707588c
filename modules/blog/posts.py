from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from modules.blog.model import Post, PostPage, Published
from skills import Filters, Preview, SkillContext, SkillFailed, consequence, fetch_one, fetch_page, skill

COLUMNS = "id, title, slug, body, category, status, publish_at, published_at, created_at"


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "post"


async def fetch_post(ctx: SkillContext, post_id: int) -> Post:
    row = await fetch_one(
        ctx.db, f"SELECT {COLUMNS} FROM blog_posts WHERE id = ?", (post_id,),
        missing=f"no blog post with id {post_id}; blog_list_posts shows existing ids")
    return Post(**row)


async def _publish(ctx: SkillContext, post_id: int) -> None:
    now = ctx.now_iso()
    await ctx.db.execute(
        "UPDATE blog_posts SET status = 'published', published_at = ?, publish_at = NULL, updated_at = ? "
        "WHERE id = ?", (now, now, post_id))
    await ctx.emit("post.published", {"id": post_id})


@skill(
    title="Create blog post",
    examples=("write a new blog article", "draft a post about our news"),
    synonyms=("article", "entry", "write"),
    instructions="""
    Creates a draft. The slug is derived from the title and made unique with a numeric
    suffix. Markdown in the body is kept as is. Drafts are invisible until published
    (blog_publish_post) or scheduled (blog_schedule_post).
    """,
)
async def create_post(
    ctx: SkillContext,
    title: Annotated[str, Field(min_length=3, max_length=200)],
    body: str = "",
    category: str | None = None,
) -> Post:
    """Create a draft blog post. Use when writing new content; NOT for pages (CMS).

    Args:
        title: Post title, at least 3 characters.
        body: Post body in Markdown.
        category: Category name, e.g. "news".
    """
    base = slugify(title)
    slug, n = base, 1
    while await ctx.db.fetchone("SELECT 1 FROM blog_posts WHERE slug = ?", (slug,)):
        n += 1
        slug = f"{base}-{n}"
    now = ctx.now_iso()
    result = await ctx.db.execute(
        "INSERT INTO blog_posts (title, slug, body, category, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (title, slug, body, category, now, now),
    )
    await ctx.emit("post.created", {"id": result.lastrowid, "title": title})
    return await fetch_post(ctx, result.lastrowid or 0)


@skill(
    title="Edit blog post",
    examples=("change the blog post's title", "edit the article text"),
    synonyms=("edit", "correct", "typo", "article"),
    instructions="Changes the title, body or category of a post that is not archived. The slug stays stable.",
)
async def update_post(
    ctx: SkillContext,
    post_id: int,
    title: Annotated[str | None, Field(min_length=3, max_length=200)] = None,
    body: str | None = None,
    category: str | None = None,
) -> Post:
    """Edit a blog post's title, body or category.

    Args:
        post_id: The post's id.
        title: New title.
        body: New body in Markdown.
        category: New category.
    """
    post = await fetch_post(ctx, post_id)
    if post.status == "archived":
        raise SkillFailed(f"post {post_id} is archived; archived posts are read-only")
    if title is None and body is None and category is None:
        raise SkillFailed("nothing to change: give at least one of title, body, category")
    await ctx.db.execute(
        "UPDATE blog_posts SET title = COALESCE(?, title), body = COALESCE(?, body), "
        "category = COALESCE(?, category), updated_at = ? WHERE id = ?",
        (title, body, category, ctx.now_iso(), post_id),
    )
    return await fetch_post(ctx, post_id)


@skill(
    effects=("publication",),
    title="Schedule blog post",
    examples=("publish the post next monday", "queue the article for friday"),
    synonyms=("later", "queue", "article", "timed"),
    instructions="""
    Sets a draft (or an already scheduled post) to publish at a future time, ISO 8601
    with a timezone, e.g. 2026-12-01T09:00:00+00:00. The publisher automation checks
    every 5 minutes. A time in the past is refused: publish now instead.
    """,
)
async def schedule_post(ctx: SkillContext, post_id: int, publish_at: datetime) -> Post:
    """Schedule a draft post for publication at a future time.

    Args:
        post_id: The post's id.
        publish_at: When to publish, ISO 8601 with timezone.
    """
    post = await fetch_post(ctx, post_id)
    if post.status not in ("draft", "scheduled"):
        raise SkillFailed(f"post {post_id} is {post.status}; only drafts can be scheduled")
    if publish_at.tzinfo is None:
        raise SkillFailed("publish_at needs a timezone, e.g. 2026-12-01T09:00:00+00:00")
    if publish_at <= ctx.now():
        raise SkillFailed(f"publish_at {publish_at.isoformat()} is in the past; use blog_publish_post to publish now")
    when = publish_at.astimezone(ctx.now().tzinfo).isoformat(timespec="seconds")
    await ctx.db.execute("UPDATE blog_posts SET status = 'scheduled', publish_at = ?, updated_at = ? WHERE id = ?",
                         (when, ctx.now_iso(), post_id))
    return await fetch_post(ctx, post_id)


async def preview_publish(ctx: SkillContext, post_id: int) -> Preview:
    post = await fetch_post(ctx, post_id)
    words = len(post.body.split())
    refused = (f"it is {post.status}: only drafts and scheduled posts are published" if post.status not in
               ("draft", "scheduled") else "its body is empty" if not words else None)
    return Preview(summary=f"Publish \"{post.title}\" on the blog now ({words:,} words, at /{post.slug})",
                   lines=[consequence(f"post \"{post.title}\" ({post.status})", "blog_posts", post.id,
                                      f"post {post.title}")],
                   note=f"The call would be refused: {refused}" if refused else "Published posts stay published.")


@skill(
    effects=("publication",),
    title="Publish blog post",
    preview=preview_publish,
    examples=("make the article live", "post it to the blog now"),
    synonyms=("live", "go live", "article"),
    scope="both",
    instructions="Publishes a draft or scheduled post now. Emits post.published. Published posts stay published.",
)
async def publish_post(ctx: SkillContext, post_id: int) -> Post:
    """Publish a blog post immediately.

    Args:
        post_id: The post's id.
    """
    post = await fetch_post(ctx, post_id)
    if post.status not in ("draft", "scheduled"):
        raise SkillFailed(f"post {post_id} is {post.status}; only drafts and scheduled posts can be published")
    if not post.body.strip():
        raise SkillFailed(f"post {post_id} has an empty body; add content with blog_update_post first")
    await _publish(ctx, post_id)
    return await fetch_post(ctx, post_id)


@skill(
    effects=("publication",),
    title="Publish due posts",
    examples=("publish what was scheduled", "release the queued articles"),
    synonyms=("release", "scheduled"),
    idempotent=True,
    instructions="Publishes every scheduled post whose time has come. Runs every 5 minutes; safe to repeat.",
)
async def publish_due(ctx: SkillContext) -> Published:
    """Publish all scheduled posts whose publish time has passed."""
    rows = await ctx.db.fetchall(
        "SELECT id FROM blog_posts WHERE status = 'scheduled' AND publish_at <= ? ORDER BY publish_at",
        (ctx.now_iso(),))
    for r in rows:
        await _publish(ctx, r["id"])
    if not rows:
        ctx.set_outcome("no_effect")
    return Published(published=[r["id"] for r in rows])


@skill(
    title="List blog posts",
    examples=("show our blog articles", "which posts are published"),
    synonyms=("articles", "drafts"),
    read_only=True,
    instructions="Filters by status, category and a text query over title and body; newest first, paginated.",
)
async def list_posts(
    ctx: SkillContext,
    status: Literal["draft", "scheduled", "published", "archived"] | None = None,
    category: str | None = None,
    query: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> PostPage:
    """List blog posts with filters and pagination.

    Args:
        status: Only posts in this state.
        category: Only posts in this category.
        query: Text to match in title or body.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("status = ?", status).add("category = ?", category).like(("title", "body"), query)
    return await fetch_page(
        ctx.db, PostPage, select=COLUMNS, from_="blog_posts", filters=filters, order_by="id DESC", limit=limit,
        offset=offset)


@skill(
    title="Archive blog post",
    examples=("unpublish an old article", "hide the outdated post"),
    synonyms=("unpublish", "take down", "remove", "hide"),
    destructive=True,
    idempotent=True,
    instructions="Takes a post off the blog and makes it read-only. The content is kept.",
)
async def archive_post(ctx: SkillContext, post_id: int) -> Post:
    """Archive a blog post (unpublish and freeze it).

    Args:
        post_id: The post's id.
    """
    await fetch_post(ctx, post_id)
    await ctx.db.execute("UPDATE blog_posts SET status = 'archived', updated_at = ? WHERE id = ?",
                         (ctx.now_iso(), post_id))
    return await fetch_post(ctx, post_id)
