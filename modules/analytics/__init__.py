"""Analytics: page views, top pages, traffic sources and the weekly business digest."""

from datetime import timedelta

from modules.analytics import digest, traffic
from skills import Automation, Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    paths = ["/", "/pricing", "/blog/five-ways-we-cut-delivery-times", "/contact", "/"]
    sources = ["direct", "google.com", "internal", "linkedin.com", "direct"]
    for i in range(40):
        when = (ctx.now() - timedelta(hours=3 * i)).isoformat(timespec="seconds")
        await ctx.db.execute("INSERT INTO analytics_views (path, session_id, source, viewed_at) VALUES (?, ?, ?, ?)",
                             (paths[i % 5], f"s{i // 3:04d}", sources[i % 5], when))


module = Module(
    id="analytics",
    name="Analytics",
    description="Page views, top pages, traffic sources and a weekly business digest across modules.",
    category="analytics",
    version="1.0.0",
    skills=(traffic.record_view, traffic.top_pages, traffic.traffic_sources, digest.weekly_digest),
    automations=(Automation(name="Weekly digest", trigger="cron", config={"schedule": "0 8 * * 1"},
                            skill="analytics_weekly_digest", executor="pilot",
                            description="Monday-morning summary for the owner (the agent passes it on)."),),
    migrations=(Migration(1, """
        CREATE TABLE analytics_views (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            session_id TEXT NOT NULL,
            source TEXT NOT NULL,
            viewed_at TEXT NOT NULL
        );
        CREATE INDEX analytics_views_at ON analytics_views(viewed_at);
    """),),
    seed_demo=seed_demo,
)
