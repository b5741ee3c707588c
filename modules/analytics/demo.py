"""Analytics: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from datetime import timedelta

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    paths = ["/", "/pricing", "/blog/five-ways-we-cut-delivery-times", "/contact", "/"]
    sources = ["direct", "google.com", "internal", "linkedin.com", "direct"]
    for i in range(40):
        when = (ctx.now() - timedelta(hours=3 * i)).isoformat(timespec="seconds")
        await ctx.db.execute("INSERT INTO analytics_views (path, session_id, source, viewed_at) VALUES (?, ?, ?, ?)",
                             (paths[i % 5], f"s{i // 3:04d}", sources[i % 5], when))
