"""The week in brief: the analytics digest's figures, written up by a model for the owner."""

from __future__ import annotations

import json

from modules.analytics.digest import weekly_digest
from modules.assistant.model import WeekSummary
from skills import SkillContext, skill

SYSTEM = (
    "You write a short weekly note for the owner of a small business: three to six sentences, plain "
    "English, the most important change first, then what needs attention. Use only the figures given."
)


@skill(title="Summarize the week",
       examples=("write me a short summary of this week", "what happened this week in a few sentences"),
       synonyms=("ai", "recap", "brief", "week", "summary"),
       read_only=True, open_world=True, transactional=False, timeout_s=120,
       instructions="""
       Gathers the last 7 days' figures (analytics_weekly_digest: traffic and the business events of
       every enabled module) and asks a model (fast tier) to write them up in a few sentences for
       the owner. Only counts leave the instance, no customer data. Needs an AI provider: without one
       it refuses and says what to set (analytics_weekly_digest gives the figures without a model).
       """)
async def summarize_week(ctx: SkillContext) -> WeekSummary:
    """Summarize the last 7 days for the owner in a few sentences, written by an AI model."""
    digest = await weekly_digest(ctx)
    facts = json.dumps({"period": [digest.period_start, digest.period_end], "page_views": digest.page_views,
                        "visitors": digest.visitors, "page_views_week_before": digest.previous_page_views,
                        "events": digest.events})
    reply = await ctx.ai.complete(f"This week's figures:\n{facts}", system=SYSTEM, tier="fast")
    return WeekSummary(period_start=digest.period_start, period_end=digest.period_end, summary=reply.text,
                       provider=reply.provider, model=reply.model, prompt_tokens=reply.prompt_tokens,
                       completion_tokens=reply.completion_tokens)
