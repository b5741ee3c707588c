"""Page views: record, top pages and traffic sources over a period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlparse

from pydantic import Field

from modules.analytics.model import PageCount, Recorded, Source, Sources, TopPages
from skills import SkillContext, skill


def source_of(referrer: str | None, own_host: str | None) -> str:
    if not referrer:
        return "direct"
    host = urlparse(referrer).hostname or "unknown"
    return "internal" if own_host and host == own_host else host.removeprefix("www.")


@skill(title="Record a page view",
       examples=("count a page visit", "track a page hit"),
       synonyms=("visit", "hit", "track", "pageview"),
       scope="external",
       instructions="""
       Records one page view: the path, the referrer (where the visitor came from) and an anonymous
       session id for counting visitors. Paths start with '/'. Times come from the server clock.
       """)
async def record_view(
    ctx: SkillContext,
    path: Annotated[str, Field(pattern=r"^/\S*$", max_length=500)],
    session_id: Annotated[str, Field(min_length=4, max_length=64)],
    referrer: Annotated[str | None, Field(max_length=500)] = None,
) -> Recorded:
    """Record a page view.

    Args:
        path: The page path, e.g. /pricing.
        session_id: Anonymous visitor session id.
        referrer: The referring URL, if any.
    """
    own = ctx.settings.get("site_host")
    result = await ctx.db.execute(
        "INSERT INTO analytics_views (path, session_id, source, viewed_at) VALUES (?, ?, ?, ?)",
        (path, session_id, source_of(referrer, own), ctx.now_iso()))
    return Recorded(id=result.lastrowid or 0)


def _since(ctx: SkillContext, days: int) -> str:
    return (ctx.now() - timedelta(days=days)).isoformat(timespec="seconds")


@skill(title="Top pages",
       examples=("most visited pages", "popular pages on our website"),
       synonyms=("popular", "visited", "traffic", "website"),
       read_only=True,
       instructions="The most viewed paths over the last N days, with distinct visitors (sessions).")
async def top_pages(ctx: SkillContext, days: Annotated[int, Field(ge=1, le=365)] = 7,
                    limit: Annotated[int, Field(ge=1, le=100)] = 10) -> TopPages:
    """The most viewed pages over a period.

    Args:
        days: How many days back.
        limit: How many pages.
    """
    since = _since(ctx, days)
    rows = await ctx.db.fetchall(
        "SELECT path, COUNT(*) AS views, COUNT(DISTINCT session_id) AS visitors FROM analytics_views "
        "WHERE viewed_at >= ? GROUP BY path ORDER BY views DESC, path LIMIT ?", (since, limit))
    return TopPages(since=since, pages=[PageCount(**r) for r in rows])


@skill(title="Traffic sources",
       examples=("where do our visitors come from", "referrers to our site"),
       synonyms=("referrer", "visitors", "google", "source"),
       read_only=True,
       instructions="Where views came from over the last N days: direct, internal, or the referring site.")
async def traffic_sources(ctx: SkillContext, days: Annotated[int, Field(ge=1, le=365)] = 30) -> Sources:
    """Break down page views by where visitors came from.

    Args:
        days: How many days back.
    """
    since = _since(ctx, days)
    rows = await ctx.db.fetchall("SELECT source, COUNT(*) AS views FROM analytics_views WHERE viewed_at >= ? "
                                 "GROUP BY source ORDER BY views DESC, source", (since,))
    total = sum(r["views"] for r in rows)
    return Sources(since=since, total=total, sources=[Source(source=r["source"], views=r["views"],
                                                             share=round(r["views"] / total, 3)) for r in rows])


def week_bounds(now: datetime) -> tuple[str, str]:
    return (now - timedelta(days=7)).isoformat(timespec="seconds"), now.isoformat(timespec="seconds")
