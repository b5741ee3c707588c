"""CMS pages made of ordered blocks, published or not, plus redirects that never loop."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import Field

from modules.pages.model import Block, Page, Redirect, Resolved
from skills import SkillContext, SkillFailed, fetch_one, skill

SLUG = r"^/[a-z0-9/-]*$"
MAX_HOPS = 10


async def _page(ctx: SkillContext, page_id: int) -> Page:
    row = await fetch_one(ctx.db, "SELECT * FROM pages WHERE id = ?", (page_id,), missing=f"no page with id {page_id}")
    return Page(id=row["id"], path=row["path"], title=row["title"], published=bool(row["published"]),
                blocks=[Block(**b) for b in json.loads(row["blocks"])])


@skill(title="Create or edit a page",
       examples=("create a landing page", "edit the homepage text", "make a new web page"),
       synonyms=("website", "landing page", "homepage", "site"),
       instructions="""
    Creates a page at a path (like /about) or, with page_id, edits one. Blocks are ordered:
    heading {text}, text {markdown}, image {media_id, alt}, cta {label, url}. Saving does not
    publish; use pages_publish. Paths are unique and may not be a redirect source.
    """)
async def save(ctx: SkillContext, path: Annotated[str, Field(pattern=SLUG, max_length=200)],
               title: Annotated[str, Field(min_length=1, max_length=200)], blocks: list[Block],
               page_id: int | None = None) -> Page:
    """Create or edit a CMS page made of blocks.

    Args:
        path: URL path, e.g. /about.
        title: Page title.
        blocks: Ordered content blocks.
        page_id: Edit this page instead of creating one.
    """
    clash = await ctx.db.fetchone("SELECT id FROM pages WHERE path = ? AND id != ?", (path, page_id or 0))
    if clash:
        raise SkillFailed(f"path {path} belongs to page {clash['id']}")
    if await ctx.db.fetchone("SELECT 1 FROM pages_redirects WHERE source = ?", (path,)):
        raise SkillFailed(f"{path} is a redirect source; remove the redirect or pick another path")
    payload = json.dumps([b.model_dump() for b in blocks])
    if page_id is None:
        result = await ctx.db.execute("INSERT INTO pages (path, title, blocks, published, updated_at) VALUES "
                                      "(?, ?, ?, 0, ?)", (path, title, payload, ctx.now_iso()))
        page_id = result.lastrowid or 0
    else:
        await _page(ctx, page_id)
        await ctx.db.execute("UPDATE pages SET path = ?, title = ?, blocks = ?, updated_at = ? WHERE id = ?",
                             (path, title, payload, ctx.now_iso(), page_id))
    return await _page(ctx, page_id)


@skill(title="Publish or unpublish a page",
       effects=("publication",),
       examples=("make the page live", "take the page offline"),
       synonyms=("live", "offline", "unpublish", "website"),
       scope="both", idempotent=True,
       instructions="Makes a page visible (or hides it). A page without blocks cannot be published.")
async def publish(ctx: SkillContext, page_id: int, published: bool = True) -> Page:
    """Publish or unpublish a page.

    Args:
        page_id: The page.
        published: True to publish, false to hide.
    """
    page = await _page(ctx, page_id)
    if published and not page.blocks:
        raise SkillFailed(f"page {page_id} has no blocks; add content with pages_save first")
    await ctx.db.execute("UPDATE pages SET published = ? WHERE id = ?", (int(published), page_id))
    if published:
        await ctx.emit("page.published", {"id": page_id, "path": page.path})
    return await _page(ctx, page_id)


@skill(title="Add a redirect",
       examples=("forward an old url to a new one", "the old link should go to the new page"),
       synonyms=("forward", "url", "link", "301", "moved"),
       instructions="""
    Sends visitors from an old path to a new one (301). Refused when it would create a loop or a
    chain longer than 10 hops, or when the source is a live page's path.
    """)
async def add_redirect(ctx: SkillContext, source: Annotated[str, Field(pattern=SLUG)],
                       target: Annotated[str, Field(pattern=SLUG)]) -> Redirect:
    """Redirect one path to another.

    Args:
        source: The old path.
        target: Where it should lead.
    """
    if source == target:
        raise SkillFailed("a redirect to itself is a loop")
    if await ctx.db.fetchone("SELECT 1 FROM pages WHERE path = ?", (source,)):
        raise SkillFailed(f"{source} is a page's path; move the page first")
    seen, current = [source], target
    while True:
        if current in seen:
            raise SkillFailed(f"this redirect would loop: {' -> '.join([*seen, current])}")
        seen.append(current)
        if len(seen) > MAX_HOPS:
            raise SkillFailed(f"redirect chain longer than {MAX_HOPS} hops")
        row = await ctx.db.fetchone("SELECT target FROM pages_redirects WHERE source = ?", (current,))
        if row is None:
            break
        current = row["target"]
    await ctx.db.execute("INSERT INTO pages_redirects (source, target) VALUES (?, ?) ON CONFLICT(source) DO UPDATE "
                         "SET target = excluded.target", (source, target))
    return Redirect(source=source, target=target, chain=seen)


@skill(title="Resolve a path",
       examples=("which page does this url show", "what does a visitor see at /about"),
       synonyms=("url", "link", "path"),
       read_only=True, scope="both",
       instructions="Follows redirects from a path and returns the published page it ends on, with the hops taken.")
async def resolve(ctx: SkillContext, path: Annotated[str, Field(pattern=SLUG)]) -> Resolved:
    """Find the published page a visitor lands on for a path.

    Args:
        path: The requested path.
    """
    hops, current = [], path
    for _ in range(MAX_HOPS):
        row = await ctx.db.fetchone("SELECT target FROM pages_redirects WHERE source = ?", (current,))
        if row is None:
            break
        hops.append(row["target"])
        current = row["target"]
    page = await fetch_one(
        ctx.db, "SELECT id FROM pages WHERE path = ? AND published = 1", (current,),
        missing=f"no published page at {current}" + (f" (reached from {path})" if hops else ""))
    return Resolved(requested=path, hops=hops, page=await _page(ctx, page["id"]))
