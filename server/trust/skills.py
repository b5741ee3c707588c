"""The trust controls over MCP: a system module built from the App (like health's).

A person changes the agent's mode and the trust policy from a chat client with these tools; the
setters are people-only decisions, so the client's form asks the person before anything changes
(a ``confirm`` argument the model writes is no yes; a client without forms is told to use the CLI:
server/trust/consent.py). The agent, automations and platform jobs are refused before any queue
(server/trust/gate.py: the whole module is people-only), and the handlers check the caller again:
the agent can never change its own mode or trust.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from server.errors import PilothouseError
from server.trust import mode, policy
from skills import Module, SkillContext, SkillFailed, skill

if TYPE_CHECKING:
    from server.app import App

Level = Literal["auto", "notify", "approve", "default"]


class Policy(BaseModel):
    mode: str
    skills: list[dict[str, Any]]
    suggestions: list[str]


class Changed(BaseModel):
    changes: list[dict[str, str]]
    detail: str


def trust_module(app: App) -> Module:
    """The trust module, its handlers bound to ``app``. On by default: it serves people, not the agent."""
    return Module(
        id="trust", name="Trust policy", category="system", version="1.0.0", always_on=True,
        description="The agent's mode (live or shadow) and the trust level per skill; for people only.",
        skills=_skills(app),
    )


def _person(ctx: SkillContext) -> str:
    if ctx.caller not in policy.PEOPLE:
        raise SkillFailed("the agent's mode and trust are a person's decision; the agent can never change them")
    return ctx.caller


def _skills(app: App) -> tuple[Any, ...]:
    @skill(name="trust_policy", title="Trust policy", category="system", read_only=True, instructions="""
           The agent's mode and, per enabled skill, the effective trust level (auto < notify < approve),
           its default, where it comes from (default, skill, module), the agent's requests a person
           approved and rejected, and the trust ladder's suggestions (after 10 approvals in a row).
           By default only skills whose trust differs from the default or that have a record.
           """)
    async def trust_policy(ctx: SkillContext, all_skills: bool = False) -> Policy:
        """Show the agent's mode, each skill's trust level and the trust ladder.

        Args:
            all_skills: List every enabled skill, not only those set or reviewed.
        """
        rows = await policy.standings(app)
        shown = [s.as_dict() for s in rows if all_skills or s.source != "default" or s.approved or s.rejected]
        return Policy(mode=await mode.current(ctx.db), skills=shown,
                      suggestions=[s.suggestion for s in rows if s.suggestion])

    @skill(name="trust_set_skill", title="Set a skill's trust", category="system", trust="approve",
           effects=("trust",), transactional=False, instructions="""
           Sets how much the agent may do with one skill on this instance: auto (runs), notify (runs,
           the admin is told), approve (a person decides first), or default (the module's level, else
           the code's). Kept across re-seeds, upgrades and restarts; logged in the activity feed.
           """)
    async def trust_set_skill(ctx: SkillContext, skill_name: str, level: Level) -> Changed:
        """Set one skill's trust level on this instance (people only).

        Args:
            skill_name: The skill, e.g. email_send.
            level: auto, notify, approve, or default.
        """
        try:
            change = await policy.set_skill_trust(app, skill_name, None if level == "default" else level,
                                                  who=_person(ctx), by=ctx.caller_name)
        except PilothouseError as exc:
            raise SkillFailed(str(exc)) from exc
        return Changed(changes=[{"skill": change.skill, "from": change.before, "to": change.after}],
                       detail=f"{change.skill}: trust {change.before} -> {change.after}")

    @skill(name="trust_set_module", title="Set a module's trust", category="system", trust="approve",
           effects=("trust",), transactional=False, instructions="""
           Sets every skill of a module to one trust level (default: back to the code's levels);
           skills set one by one before follow the module again.
           """)
    async def trust_set_module(ctx: SkillContext, module_id: str, level: Level) -> Changed:
        """Set the trust level of every skill of a module (people only).

        Args:
            module_id: The module, e.g. email.
            level: auto, notify, approve, or default.
        """
        try:
            changes = await policy.set_module_trust(app, module_id, None if level == "default" else level,
                                                    who=_person(ctx), by=ctx.caller_name)
        except PilothouseError as exc:
            raise SkillFailed(str(exc)) from exc
        return Changed(changes=[{"skill": c.skill, "from": c.before, "to": c.after} for c in changes],
                       detail=f"{len(changes)} skill(s) of {module_id} changed")

    @skill(name="trust_set_agent_mode", title="Set the agent's mode", category="system", trust="approve",
           effects=("trust",), transactional=False, instructions="""
           shadow: the heartbeat runs and read-only skills execute, but every call the agent would make
           to a skill that writes becomes a proposal (ops_list_approvals, kind proposal) for a person.
           live: the agent acts within each skill's trust level.
           """)
    async def trust_set_agent_mode(ctx: SkillContext, mode_name: Literal["live", "shadow"]) -> Changed:
        """Switch the agent between shadow mode (it only proposes) and live (people only).

        Args:
            mode_name: live or shadow.
        """
        try:
            before, after = await mode.set_mode(app, mode_name, who=_person(ctx), by=ctx.caller_name)
        except PilothouseError as exc:
            raise SkillFailed(str(exc)) from exc
        return Changed(changes=[{"mode": after, "from": before, "to": after}], detail=f"agent mode {before} -> {after}")

    return (trust_policy, trust_set_skill, trust_set_module, trust_set_agent_mode)
