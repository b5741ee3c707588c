"""Sample posts for `pilothouse seed-demo`: one published, one scheduled, one draft."""

from __future__ import annotations

from datetime import timedelta

from skills import SkillContext

POSTS = [
    ("Five ways we cut delivery times", "five-ways-we-cut-delivery-times", "news", "published", -7,
     "Route planning, fewer handoffs, and three more changes that took a week off our lead times."),
    ("Spring collection preview", "spring-collection-preview", "product", "scheduled", 3,
     "A first look at what arrives in March, with prices and availability."),
    ("Customer story: Northwind", "customer-story-northwind", "stories", "draft", None, ""),
]


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    for title, slug, category, status, offset_days, body in POSTS:
        when = (now + timedelta(days=offset_days)).isoformat(timespec="seconds") if offset_days is not None else None
        await ctx.db.execute(
            "INSERT INTO blog_posts (title, slug, body, category, status, publish_at, published_at, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (title, slug, body, category, status, when if status == "scheduled" else None,
             when if status == "published" else None, now.isoformat(timespec="seconds"),
             now.isoformat(timespec="seconds")))
