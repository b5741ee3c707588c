"""What the cockpit shows: one snapshot of the instance, read from the tables' owners.

Reads never go through the executor: the page is polled, and a read through the executor
writes an activity row, so every refresh would add to the feed it shows. The actions do go
through the same functions as the CLI (actions.py). With the agent off the snapshot carries no
agent data at all (``agent`` is None): the page is then an operations view. It still shows the
requests automations and platform jobs queued (approve-trust skills they called): they wait for a
person whether the agent is on or not, and approving one runs it at once.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from server import delivery_watch
from server.agent.bootstrap import agent_enabled
from server.delivery_watch import Problem
from server.errors import ConfigError
from server.health.report import HealthReport, build_report
from server.providers import cooldown, views
from server.providers.config import load_settings
from server.tables import activity, approvals, notifications, runs, skill_state
from server.trust import mode as trust_mode
from skills import Row
from skills.attention import Flagged

if TYPE_CHECKING:
    from server.app import App

SHOWN = 50  # rows per panel; the activity feed pages instead
CALLERS = ("mcp", "cli", "pilot", "automation", "system")
STATUSES = ("ok", "error", "pending")


@dataclass(frozen=True, slots=True)
class ActivityFilter:
    """The feed's filters and page, from the query string (unknown values are dropped, not errors)."""

    caller: str | None = None
    skill: str | None = None
    status: str | None = None
    offset: int = 0
    limit: int = 20
    housekeeping: bool = False  # the platform's own successful runs (automations, jobs) are left out by default

    @classmethod
    def from_query(cls, query: dict[str, str]) -> ActivityFilter:
        def pick(name: str, allowed: tuple[str, ...]) -> str | None:
            value = query.get(name) or None
            return value if value in allowed else None

        try:
            offset = max(0, int(query.get("offset") or 0))
        except ValueError:
            offset = 0
        skill = (query.get("skill") or "").strip()[:200] or None
        return cls(caller=pick("caller", CALLERS), skill=skill, status=pick("status", STATUSES), offset=offset,
                   housekeeping=query.get("housekeeping") == "1")


@dataclass(frozen=True, slots=True)
class SkillIssue:
    name: str
    problem: str  # paused | breaker open | flagged
    detail: str
    resumable: bool  # resume unpauses and closes the breaker; a flag clears itself as calls succeed


@dataclass(frozen=True, slots=True)
class ModuleExceptions:
    """What one module asked a person to see (its ``Attention``): items, and the skill that retries one."""

    module: str
    label: str  # one item, as a person names it ("email")
    retry: str | None  # the module's skill that retries one item
    argument: str  # ...given the item's id as this parameter
    as_list: bool  # ...which takes a list of ids
    items: list[Flagged]

    def retry_arguments(self, item_id: int) -> dict[str, Any]:
        return {self.argument: [item_id] if self.as_list else item_id}


@dataclass(frozen=True, slots=True)
class AgentView:
    mode: str
    heartbeats: list[Row]  # detail decoded
    # The AI chain this server process uses (server/providers/views.py: no keys, where each comes
    # from, its cooldown), and what the instance's other running processes reported using.
    providers: list[Row] = field(default_factory=list)
    provider_problems: list[str] = field(default_factory=list)
    elsewhere: list[Row] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Snapshot:
    now: datetime
    agent: AgentView | None  # None: the agent is off and no agent panel is shown
    requests: list[Row]  # pending approvals and proposals, arguments decoded
    notifications: list[Row]
    unread: int
    skills: list[SkillIssue]
    health: HealthReport
    exceptions_of: list[ModuleExceptions]  # each enabled module that declares what a person should see
    cannot_leave: list[Problem]  # what keeps messages from going out now (server/delivery_watch.py)
    activity: list[Row]
    activity_total: int
    feed: ActivityFilter = field(default_factory=ActivityFilter)
    quiet: list[Row] = field(default_factory=list)  # today's housekeeping runs that did nothing: skill, calls

    @property
    def exceptions(self) -> int:
        """How many things wait for a person (the page title and the tool's summary count them)."""
        return (len(self.requests) + self.unread + sum(s.resumable for s in self.skills)
                + sum(len(m.items) for m in self.exceptions_of) + len(self.cannot_leave))


async def gather(app: App, feed: ActivityFilter | None = None) -> Snapshot:
    feed = feed or ActivityFilter()
    store, now = app.store, app.clock.now()
    agent = None
    agent_on = await agent_enabled(app)
    requests = [{**r, "arguments": _decoded(r["arguments"]), "outside": json.loads(r.get("outside") or "[]"),
                 "effects": _effects(app, r["skill"])}
                for r in await approvals.pending_requests(store, SHOWN) if agent_on or r["requested_by"] != "pilot"]
    if agent_on:
        beats = [{**b, "detail": _decoded(b["detail"])} for b in await runs.recent_heartbeats(store, 10)]
        agent = AgentView(await trust_mode.current(store), beats, *await _providers(app))
    rows, _, _, _ = await notifications.page(store, unread_only=True, limit=SHOWN)
    report = await build_report(app)
    feed_rows, total = await activity.page(store, caller=feed.caller, skill=feed.skill, status=feed.status,
                                           limit=feed.limit, offset=feed.offset, housekeeping=feed.housekeeping)
    return Snapshot(now=now, agent=agent, requests=requests, notifications=rows,
                    unread=await notifications.unread_count(store), skills=await _skill_issues(app, report),
                    health=report, exceptions_of=await module_exceptions(app),
                    cannot_leave=[p for p in await delivery_watch.problems(app) if p.lasting], activity=feed_rows,
                    activity_total=total, feed=feed, quiet=await activity.quiet_on(store, now.date().isoformat()))


async def module_exceptions(app: App) -> list[ModuleExceptions]:
    """Every enabled module's ``Attention``, asked through the one hook: the cockpit knows no module."""
    found = []
    for module_id in sorted(await skill_state.enabled_module_ids(app.store)):
        module = app.registry.modules.get(module_id)
        attention = module.attention if module is not None else None
        if attention is None:
            continue
        retry = app.registry.skills.get(attention.retry) if attention.retry else None
        as_list = retry is not None and _takes_list(retry.inputs.fields[attention.retry_argument][0])
        items = list(await attention.items(app.store, SHOWN))
        found.append(ModuleExceptions(module_id, attention.label, attention.retry, attention.retry_argument,
                                      as_list, items))
    return found


def _takes_list(annotation: Any) -> bool:
    """``list[int]``, ``list[int] | None``, ``Annotated[list[int], ...]``: the parameter takes a list."""
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    return any(_takes_list(a) for a in typing.get_args(annotation)) if origin is not None else False


async def _providers(app: App) -> tuple[list[Row], list[str], list[Row]]:
    try:
        seen = views.describe(await load_settings(app.store))
    except ConfigError as exc:
        return [], [str(exc)], []
    states, now = await cooldown.load(app.store), app.clock.now()
    chain = [{**c, "cooldown": (f"until {states[c['provider']].cooldown_until:%Y-%m-%d %H:%M}"
                                if c["provider"] in states and states[c["provider"]].cooling(now) else "")}
             for c in seen["chain"]]
    problems = [f"{u['provider']}: {u['reason']}" for u in seen["unusable"]]
    return chain, problems, await views.recent(app.store, views.stale_before(app))


async def _skill_issues(app: App, report: HealthReport) -> list[SkillIssue]:
    issues = [SkillIssue(r["name"], "paused", r["paused_reason"] or "", True)
              for r in await skill_state.paused_skills(app.store)]
    paused = {i.name for i in issues}
    issues += [SkillIssue(r["skill"], "breaker open", f"until {r['open_until']}" if r["open_until"] else "", True)
               for r in await skill_state.open_breakers(app.store) if r["skill"] not in paused]
    issues += [SkillIssue(name, "flagged", "many recent calls failed or did nothing", False)
               for name in report.skills.flagged if name not in paused]
    return issues


def _effects(app: App, name: str) -> list[str]:
    """What the request would do to the world (skills/effects.py), as its skill declares."""
    found = app.registry.skills.get(name)
    return [str(e) for e in found.effects] if found is not None else []


def _decoded(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"raw": text}
    return value if isinstance(value, dict) else {"value": value}


def age(since: str | None, now: datetime) -> str:
    """``3 min``, ``2 h``, ``4 d``: how long something has waited."""
    if not since:
        return ""
    try:
        then = datetime.fromisoformat(since)
    except ValueError:
        return since
    if then.tzinfo is None:
        then = then.replace(tzinfo=now.tzinfo)
    minutes = max(0, int((now - then).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h" if minutes < 48 * 60 else f"{minutes // 1440} d"
