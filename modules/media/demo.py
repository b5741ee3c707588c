"""Media library: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    for name, mime, size, alt in (("hero.jpg", "image/jpeg", 348_211, "Delivery van at sunrise"),
                                  ("team.png", "image/png", 812_004, None),
                                  ("price-list.pdf", "application/pdf", 92_113, None)):
        await ctx.db.execute("INSERT INTO media_assets (filename, mime_type, size_bytes, alt_text, tags, uploaded_at) "
                             "VALUES (?, ?, ?, ?, '[]', ?)", (name, mime, size, alt, ctx.now_iso()))
