"""Pages: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    blocks = ('[{"type": "heading", "content": {"text": "About us"}}, {"type": "text", "content": '
              '{"markdown": "We make delivery simple."}}]')
    await ctx.db.execute("INSERT INTO pages (path, title, blocks, published, updated_at) VALUES "
                         "('/about', 'About us', ?, 1, ?)", (blocks, ctx.now_iso()))
    await ctx.db.execute("INSERT INTO pages_redirects (source, target) VALUES ('/company', '/about')")
