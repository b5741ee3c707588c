"""What the cockpit's buttons do: each one calls the skill or function its CLI command calls.

    approve   server/trust/review.approve   = `pilothouse approvals approve ID`        (ops_approve)
    reject    server/trust/review.reject    = `pilothouse approvals reject ID --reason` (ops_reject)
    resume    ops_resume_skill              = `pilothouse skills resume NAME`
    reset     backoff.reset                 = `pilothouse agent reset`
    read      ops_mark_notifications_read   = `pilothouse notifications read ID`
    retry     the module's Attention.retry  = e.g. `pilothouse call email_retry_failed --args '{"ids": [ID]}'`

A decision is a person's (caller ``cli``, as from the terminal), named after who is signed in (their
token's name, or the local account), so it is logged in the activity feed like any other. A signed-in
token may press a button only if its scopes allow the skill behind it (``SKILLS``). Every action
answers one line for the person, in words (words.py: what was done, never the JSON a skill
returned), or raises ``ActionError`` with what was wrong.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from server.cockpit import words
from server.errors import ConfigError

if TYPE_CHECKING:
    from server.app import App
    from server.cockpit.data import ModuleExceptions

Action = Callable[["App", Mapping[str, str], str], Awaitable[str]]
# The skill each button stands for: a token's scopes must allow it (server/access/scopes.py).
SKILLS = {"approve": "ops_approve", "reject": "ops_reject", "resume": "ops_resume_skill",
          "read": "ops_mark_notifications_read"}


class ActionError(Exception):
    """A refused action: the message says why and what to do instead."""


def _id(form: Mapping[str, str], name: str = "id") -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise ActionError(f"missing or invalid {name}: the form must carry a number") from None


async def approve(app: App, form: Mapping[str, str], who: str) -> str:
    from server.trust import review

    try:
        decided = await review.approve(app, _id(form), form.get("note", ""), who=who, via="cockpit")
    except ConfigError as exc:
        raise ActionError(str(exc)) from exc
    item = decided.request
    if decided.ran is None:
        return f"{item['kind']} #{item['id']} approved: {item['skill']} runs on the next heartbeat"
    if decided.ran.status != "executed":
        return f"{item['kind']} #{item['id']} approved, but {item['skill']} failed: {decided.ran.detail}"
    return f"{item['kind']} #{item['id']} approved and done: {words.result(decided.ran.detail)}"


async def reject(app: App, form: Mapping[str, str], who: str) -> str:
    from server.trust import review

    reason = form.get("reason", "").strip()
    if not reason:
        raise ActionError("give a reason: the agent reads it and should not ask for the same thing again")
    try:
        decided = await review.reject(app, _id(form), reason, who=who, via="cockpit")
    except ConfigError as exc:
        raise ActionError(str(exc)) from exc
    item = decided.request
    return f"{item['kind']} #{item['id']} rejected: {item['skill']} will not run"


async def resume(app: App, form: Mapping[str, str], who: str) -> str:
    name = form.get("name", "")
    if name not in app.registry.skills:
        raise ActionError(f"unknown skill {name!r}")
    # The button is the person's explicit yes to this approve-trust skill, as `--yes` is in the terminal.
    resumed = await _call(app, SKILLS["resume"], {"name": name, "confirm": True}, who)
    return f"{name}: {'resumed' if resumed['was_paused'] else 'was not paused; breaker reset'}"


async def reset(app: App, form: Mapping[str, str], who: str) -> str:
    from server.resilience import backoff

    cleared = await backoff.reset(app.store, who="cli", now=app.clock.now())
    if not cleared:
        return "the heartbeat has no failure streak to clear"
    return f"cleared a streak of {cleared} failed heartbeat cycles: the next scheduled cycle runs"


async def read(app: App, form: Mapping[str, str], who: str) -> str:
    arguments: dict[str, Any] = {"all_unread": True} if form.get("all") else {"ids": [_id(form)]}
    marked = (await _call(app, SKILLS["read"], arguments, who))["marked"]
    return f"marked {marked} notification{'' if marked == 1 else 's'} read"


async def _call(app: App, skill: str, arguments: dict[str, object], who: str) -> dict[str, Any]:
    result = await app.executor.call(skill, arguments, caller="cli", who=who)
    if not result.ok or result.output is None:
        raise ActionError(result.message)
    return result.output


async def _retry_group(app: App, form: Mapping[str, str]) -> ModuleExceptions:
    from server.cockpit.data import module_exceptions

    module = form.get("module", "")
    group = next((g for g in await module_exceptions(app) if g.module == module and g.retry), None)
    if group is None or group.retry is None:
        raise ActionError(f"module {module!r} shows nothing that can be retried here")
    return group


async def skill_behind(app: App, name: str, form: Mapping[str, str]) -> str | None:
    """The skill a button stands for (a token's scopes must allow it); retry's is the module's own."""
    if name == "retry":
        try:
            return (await _retry_group(app, form)).retry
        except ActionError:
            return None
    return SKILLS.get(name)


async def retry(app: App, form: Mapping[str, str], who: str) -> str:
    """Retry one item a module showed (form: ``module``, ``id``) with the skill its ``Attention`` names."""
    group, item = await _retry_group(app, form), _id(form)
    assert group.retry is not None
    await _call(app, group.retry, group.retry_arguments(item), who)
    return f"{group.label} #{item} queued again; it goes out on the module's next run"


ACTIONS: dict[str, Action] = {"approve": approve, "reject": reject, "resume": resume, "reset": reset, "read": read,
                              "retry": retry}
