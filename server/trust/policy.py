"""The owner's trust policy per skill and module, and the trust ladder.

    level      auto (runs) < notify (runs, the admin is told) < approve (a person decides first)
    default    the code's level (``@skill(trust=...)``); the owner may set another per skill or per
               module (server/tables/trust.py), kept across re-seeds, upgrades and restarts
    effective  what the executor's gate uses, read fresh per call

Every change is an activity row (skill ``trust_policy``: who, which skill, from, to). The ladder
counts, per skill, the agent's requests a person approved and rejected; after ``LADDER_STREAK``
approvals with no rejection since, it suggests loosening that skill one step. Nothing changes
by itself: a person runs the suggested command.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from server.access.local import local_name
from server.errors import ConfigError
from server.tables import activity, approvals, skill_state
from server.tables import trust as trust_table
from skills import Skill

if TYPE_CHECKING:
    from server.app import App

LEVELS = ("auto", "notify", "approve")  # loosest first
RANK = {level: i for i, level in enumerate(LEVELS)}
LADDER_STREAK = 10
PEOPLE = ("mcp", "cli")


@dataclass(frozen=True, slots=True)
class Change:
    skill: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Standing:
    """One skill's trust on this instance, and its record with the owner."""

    skill: str
    module: str
    default: str
    trust: str
    source: str  # default | skill | module
    approved: int = 0
    rejected: int = 0
    streak: int = 0
    suggestion: str | None = None

    @property
    def loosened(self) -> bool:
        return RANK[self.trust] < RANK[self.default]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "loosened": self.loosened}


def check_level(level: str | None) -> str | None:
    if level is not None and level not in LEVELS:
        raise ConfigError(f"unknown trust level {level!r}; use one of: {', '.join(LEVELS)} (or --default)")
    return level


def suggest(skill: str, trust: str, streak: int) -> str | None:
    """The next rung down, once a person approved ``LADDER_STREAK`` requests in a row."""
    if streak < LADDER_STREAK or trust == "auto":
        return None
    looser = LEVELS[RANK[trust] - 1]
    return (f"{skill}: {streak} approved in a row, none rejected since: consider "
            f"`pilothouse skills trust {skill} {looser}`")


async def standings(app: App, *, only_enabled: bool = True) -> list[Standing]:
    """Every skill's effective trust, where it comes from, and its ladder, by module and name."""
    overrides = await trust_table.overrides(app.store)
    ladder = {r["skill"]: r for r in await approvals.ladder(app.store)}
    enabled = set(await skill_state.enabled_skill_names(app.store)) if only_enabled else None
    result = []
    for skill in sorted(app.registry.skills.values(), key=lambda s: (s.module_id, s.name)):
        if enabled is not None and skill.name not in enabled:
            continue
        row = overrides.get(skill.name)
        own, module = (row["skill_override"], row["module_override"]) if row else (None, None)
        trust = own or module or skill.trust
        counts = ladder.get(skill.name)
        approved, rejected, streak = ((int(counts["approved"] or 0), int(counts["rejected"] or 0),
                                       int(counts["streak"] or 0)) if counts else (0, 0, 0))
        result.append(Standing(skill.name, skill.module_id, skill.trust, trust,
                               "skill" if own else "module" if module else "default",
                               approved, rejected, streak, suggest(skill.name, trust, streak)))
    return result


async def set_skill_trust(app: App, name: str, level: str | None, *, who: str, by: str | None = None) -> Change:
    """Set one skill's level (None: back to its module's, else the code's default)."""
    _check_who(who)
    skill = _skill(app, name)
    check_level(level)
    async with app.store.transaction() as tx:
        before = await trust_table.override_of(tx, skill.name) or skill.trust
        if not await trust_table.set_skill(tx, skill.name, level):
            raise ConfigError(f"{skill.name} is not on this instance yet; enable its module first: "
                              f"pilothouse modules enable {skill.module_id}")
        after = await trust_table.override_of(tx, skill.name) or skill.trust
        change = Change(skill.name, before, after)
        await _log(app, tx, [change], who, "skill", by)
    return change


async def set_module_trust(app: App, module_id: str, level: str | None, *, who: str,
                           by: str | None = None) -> list[Change]:
    """Set every skill of a module to ``level`` (None: all back to the code's defaults); the changes."""
    _check_who(who)
    module = app.modules.get(module_id)
    check_level(level)
    async with app.store.transaction() as tx:
        before = {s.name: await trust_table.override_of(tx, s.name) or s.trust for s in module.skills}
        if not await trust_table.set_module(tx, module.id, level):
            raise ConfigError(f"module {module.id!r} has never been enabled; enable it first: "
                              f"pilothouse modules enable {module.id}")
        changes = [Change(s.name, before[s.name], level or s.trust) for s in module.skills]
        changes = [c for c in changes if c.before != c.after]
        await _log(app, tx, changes, who, "module", by)
    return changes


async def _log(app: App, tx: Any, changes: list[Change], who: str, on: str, by: str | None) -> None:
    """``who``: the kind of caller (mcp, cli); ``by``: the person's name (the CLI: the local account)."""
    now = app.clock.now().isoformat(timespec="seconds")
    for c in changes:
        await activity.write(
            tx, ts=now, caller=who, caller_name=by or (local_name() if who == "cli" else None), run_id=None,
            skill="trust_policy", module_id="trust",
            arguments={"skill": c.skill, "from": c.before, "to": c.after, "set_on": on},
            output_summary=f"{c.skill}: trust {c.before} -> {c.after}", status="ok", outcome="neutral",
            error_kind=None, error=None, duration_ms=0, attempts=1)


def _check_who(who: str) -> None:
    if who not in PEOPLE:
        raise ConfigError("trust is a person's decision: the agent can never change its own trust")


def _skill(app: App, name: str) -> Skill:
    skill = app.registry.skills.get(name)
    if skill is None:
        close = difflib.get_close_matches(name, list(app.registry.skills), n=3, cutoff=0.6)
        hint = f" Did you mean: {', '.join(close)}?" if close else " `pilothouse skills list` shows the catalog."
        raise ConfigError(f"unknown skill {name!r}.{hint}")
    return skill
