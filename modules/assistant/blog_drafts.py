"""Draft a blog post from rough notes: the model writes, the blog module stores a draft."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from pydantic import Field

from modules.assistant.model import BlogDraft
from modules.blog.posts import create_post
from skills import SkillContext, SkillFailed, skill

SYSTEM = (
    "You write posts for a small business's blog. Write in plain, friendly English, in Markdown. "
    "Answer with the title on the first line (no '#', no quotes), a blank line, then the body. "
    "Use only facts from the notes; never invent prices, dates or promises."
)


@skill(title="Draft a blog post from notes",
       examples=("write a blog post from these notes", "turn my bullet points into an article"),
       synonyms=("ai", "write", "article", "notes", "draft"),
       open_world=True, transactional=False, timeout_s=120,
       instructions="""
       Sends the notes to a model (the reasoning tier, through the provider chain) and saves what
       it writes as a blog *draft* (blog_create_post): nothing is published; review it, then
       blog_publish_post or blog_schedule_post. A given title is kept; otherwise the model's first
       line is the title. Needs an AI provider: without one it refuses and says what to set. The
       tokens and cost are recorded against this skill (pilothouse providers).
       """)
async def draft_blog_post(
    ctx: SkillContext,
    notes: Annotated[str, Field(min_length=10, max_length=20_000)],
    title: Annotated[str, Field(min_length=3, max_length=200)] | None = None,
    category: str | None = None,
) -> BlogDraft:
    """Draft a blog post from rough notes with an AI model, saved as an unpublished draft.

    Args:
        notes: What the post is about: bullet points, facts, a rough paragraph.
        title: The post's title; by default the model proposes one.
        category: Blog category, e.g. "news".
    """
    ask = f"Notes:\n{notes}" + (f"\n\nUse this title: {title}" if title else "")
    reply = await ctx.ai.complete(ask, system=SYSTEM, tier="reasoning")
    head, _, rest = reply.text.partition("\n")
    proposed = head.strip().lstrip("#").strip().strip('"').removeprefix("Title:").strip()
    final_title, body = title or proposed, rest.strip()
    if len(final_title) < 3 or not body:
        raise SkillFailed(f"the model's answer had no usable title and body ({reply.text[:80]!r}); try again "
                          "or pass title=")
    async with ctx.db.transaction() as tx:  # the post and its event together, after the slow model call
        post = await create_post(replace(ctx, db=tx), title=final_title[:200], body=body, category=category)
    return BlogDraft(post_id=post.id, title=post.title, body=body, status=post.status, provider=reply.provider,
                     model=reply.model, prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens)
