"""Which skills make the drop tier: the most used over the last 14 days (Pattern 3).

Use = a call that actually executed, by any caller (MCP, CLI, the agent, automations), whether
it succeeded or failed (status ok or error with at least one attempt): a skill the agent keeps
reaching for is relevant even while it fails. Refusals (bad arguments, a disabled or paused
skill, an open breaker: status error with no attempt) and approvals still waiting (pending) are
not use. Calls older than 14 days are ignored. Ties go to the most recently used, then the name.

Cold start (no use yet), and the tail after the used skills, is ranked for an agent that knows
nothing about this instance and is short of context (the drop tier starts at 75 % of the budget):
1. read-only skills first: safe to explore with; every write stays reachable via the meta-tools;
2. then skills callable without arguments (lists, summaries, reports) before those that need an id
   the agent would first have to find;
3. then overviews (summary, report, stats...) before lists and searches, before the rest: one call
   answers "what is going on";
4. then the modules' declared order (core business modules first), then the name.
Deterministic either way: the same catalog and activity always give the same list.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server.manifest.render import skill_spec
from server.tables import activity
from skills import Skill
from skills.context import Database

USAGE_WINDOW = timedelta(days=14)
DROP_SIZE = 20
OVERVIEW_WORDS = frozenset({"summary", "report", "stats", "statistics", "overview", "digest", "dashboard",
                            "aging", "totals", "utilization", "health"})
LISTING_WORDS = frozenset({"list", "search", "find", "top", "upcoming", "due", "overdue"})



async def usage_counts(db: Database, now: datetime) -> dict[str, tuple[int, str]]:
    """skill -> (executed calls in the window, last use as an ISO timestamp)."""
    since = (now - USAGE_WINDOW).isoformat(timespec="seconds")
    rows = await activity.usage_since(db, since)
    return {r["skill"]: (r["uses"], r["last_used"]) for r in rows}


def _kind(skill: Skill) -> int:
    parts = set(skill.name.split("_")[1:])  # the words after the module prefix
    if parts & OVERVIEW_WORDS:
        return 0
    if parts & LISTING_WORDS:
        return 1
    return 2


def cold_key(skill: Skill, position: dict[str, int]) -> tuple[Any, ...]:
    needs_arguments = bool(skill_spec(skill).input_schema.get("required"))  # cached: no schema rebuild per rank
    return (not skill.hints.read_only, needs_arguments, _kind(skill), position.get(skill.module_id, len(position)),
            skill.name)


def rank(skills: list[Skill], usage: dict[str, tuple[int, str]], module_order: list[str]) -> list[Skill]:
    """Every skill, best first: used ones by use, then the rest in cold-start order."""
    position = {m: i for i, m in enumerate(module_order)}
    used = sorted((s for s in skills if s.name in usage),
                  key=lambda s: (-usage[s.name][0], _newest_first(usage[s.name][1]), s.name))
    cold = sorted((s for s in skills if s.name not in usage), key=lambda s: cold_key(s, position))
    return used + cold


def _newest_first(timestamp: str) -> str:
    # A sort key that orders ISO timestamps newest first (inverts every character).
    return "".join(chr(0x10FFFF - ord(c)) for c in timestamp)


async def ranked_skills(db: Database, skills: list[Skill], module_order: list[str], now: datetime) -> list[Skill]:
    return rank(skills, await usage_counts(db, now), module_order)
