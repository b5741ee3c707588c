"""The ops system module: notifications, paused skills and breakers, over MCP, always on.

Its skills need the runtime's table owners (server/tables) and escalation's resume, which a
business module cannot import, so the composition root builds it from the App like health.
They run through the executor like any skill: logged, trust-checked, and resuming a skill is
approve trust, because a pause waits for a person's decision (the agent's request is queued
as an approval; a person over MCP or the CLI is asked once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from server.cockpit.tool import cockpit_skill
from server.ops import approvals, model, uncertain
from server.resilience import escalation
from server.tables import notifications, skill_state
from skills import Module, NotFound, SkillContext, SkillFailed, skill

if TYPE_CHECKING:
    from server.app import App


def ops_module(app: App) -> Module:
    """The ops module, its handlers bound to ``app``."""
    return Module(
        id="ops", name="Operations", category="system", version="1.0.0", always_on=True,
        description="Admin notifications, requests waiting for approval, paused skills and open breakers: what "
                    "the operator must hear about and decide, with or without the agent.",
        skills=_skills(app),
    )


def _skills(app: App) -> tuple[Any, ...]:
    def module_of(name: str) -> str | None:
        found = app.registry.skills.get(name)
        return found.module_id if found is not None else None

    @skill(name="ops_list_notifications", title="List admin notifications", category="system", read_only=True,
           examples=("do I have any alerts", "messages for the admin"), synonyms=("alerts", "messages", "inbox"),
           instructions="""
           Notifications the platform raised for the administrator, newest first: a skill auto-paused
           (kind skill_paused), an approved action failed, an action the agent took with notify trust,
           the instance turned unhealthy. Each body says what to do. They are also delivered to
           PILOTHOUSE_ADMIN_EMAIL / PILOTHOUSE_ADMIN_WEBHOOK when set. `unread_only` hides the read ones.
           """)
    async def list_notifications(
        ctx: SkillContext, unread_only: bool = False, kind: str | None = None,
        limit: Annotated[int, Field(ge=1, le=200)] = 20, offset: Annotated[int, Field(ge=0)] = 0,
    ) -> model.NotificationPage:
        """List the administrator's notifications, newest first.

        Args:
            unread_only: Only notifications not marked read yet.
            kind: Only notifications of this kind (e.g. "skill_paused").
            limit: Page size (1-200).
            offset: Rows to skip.
        """
        rows, total, lim, off = await notifications.page(ctx.db, unread_only=unread_only, kind=kind, limit=limit,
                                                         offset=offset)
        return model.NotificationPage(items=[model.Notification(**r) for r in rows], total=total, limit=lim, offset=off)

    @skill(name="ops_mark_notifications_read", title="Mark notifications read", category="system",
           examples=("dismiss the alerts", "I've read the notifications"),
           synonyms=("dismiss", "seen", "read", "clear"), idempotent=True, instructions="""
           Marks the given notification ids (or, with all_unread=true, every unread one) as read.
           An id that names no notification is refused, so a typo is not silently ignored.
           """)
    async def mark_notifications_read(
        ctx: SkillContext,
        ids: Annotated[list[int], Field(max_length=200)] = [],  # noqa: B006
        all_unread: bool = False,
    ) -> model.MarkedRead:
        """Mark admin notifications as read.

        Args:
            ids: Notification ids to mark read.
            all_unread: Mark every unread notification read instead.
        """
        if not ids and not all_unread:
            raise SkillFailed("nothing to mark: give notification ids (ops_list_notifications) or all_unread=true")
        if not all_unread and (unknown := await notifications.missing(ctx.db, ids)):
            raise NotFound(f"no notification #{', #'.join(map(str, unknown))}; ops_list_notifications shows them")
        return model.MarkedRead(marked=await notifications.mark_read(ctx.db, ids=None if all_unread else ids,
                                                               now=ctx.now_iso()))

    @skill(name="ops_list_paused_skills", title="List paused skills and open breakers", category="system",
           examples=("which skills are paused", "what is broken right now"),
           synonyms=("paused", "broken", "stopped", "breaker", "failing"), read_only=True, instructions="""
           Skills that refuse every caller until a person resumes them (auto-paused after repeated
           hard failures: bad credentials, quota, a remote service refusing), with the reason, and
           skills whose circuit breaker is open or half open (they come back by themselves after the
           cool-down). Fix the cause first, then resume a paused skill with ops_resume_skill.
           """)
    async def list_paused_skills(ctx: SkillContext) -> model.SkillProblems:
        """List paused skills (with why) and skills whose circuit breaker is open."""
        paused = [model.PausedSkill(name=r["name"], module=module_of(r["name"]), reason=r["paused_reason"])
                  for r in await skill_state.paused_skills(ctx.db)]
        broken = [model.OpenBreaker(name=r["skill"], module=module_of(r["skill"]), open_until=r["open_until"])
                  for r in await skill_state.open_breakers(ctx.db)]
        hint = ("fix the cause, then ops_resume_skill (or pilothouse skills resume NAME)" if paused
                else "no skill is paused")
        return model.SkillProblems(paused=paused, open_breakers=broken, hint=hint)

    @skill(name="ops_resume_skill", title="Resume a paused skill", category="system", trust="approve",
           examples=("unpause the webhook dispatch", "turn that skill back on"),
           synonyms=("unpause", "resume", "restart", "reenable"), idempotent=True, instructions="""
           Resumes a paused skill and resets its circuit breaker, so every caller may use it again.
           Do it after fixing what paused it (ops_list_paused_skills says why); if the cause remains,
           the skill pauses again after three more hard failures. A person decides: approve trust.
           """)
    async def resume_skill(ctx: SkillContext,
                           name: Annotated[str, Field(min_length=1, max_length=200)]) -> model.Resumed:
        """Resume a paused skill and reset its circuit breaker.

        Args:
            name: The paused skill's name (see ops_list_paused_skills).
        """
        if name not in app.registry.skills:
            raise NotFound(f"no skill named {name!r}; ops_list_paused_skills lists the paused ones")
        was_paused = await escalation.resume(ctx.db, name, ctx.now())
        return model.Resumed(name=name, was_paused=was_paused,
                       detail="resumed; its breaker is closed" if was_paused
                       else "was not paused; its breaker was reset")

    return (list_notifications, mark_notifications_read, list_paused_skills, resume_skill, *approvals.SKILLS,
            uncertain.resolve_uncertain,
            cockpit_skill(app))
