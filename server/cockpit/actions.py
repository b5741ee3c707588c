"""What the cockpit's buttons do: each one calls the function its CLI command calls.

    approve   server/trust/review.approve   = `pilothouse approvals approve ID`
    reject    server/trust/review.reject    = `pilothouse approvals reject ID --reason ...`
    resume    escalation.resume             = `pilothouse skills resume NAME`
    reset     backoff.reset                 = `pilothouse agent reset`
    read      notifications.mark_read       = `pilothouse notifications read ID`
    retry     email_retry_failed            = `pilothouse call email_retry_failed ids=[ID]`
    redeliver webhooks_redeliver            = `pilothouse call webhooks_redeliver delivery_id=ID`

A decision is a person's (caller ``cli``, as from the terminal), so it is logged in the activity
feed like any other. Every action answers one line for the person, in words (words.py: what was
done, never the JSON a skill returned), or raises ``ActionError`` with what was wrong.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from server.cockpit import words
from server.errors import ConfigError
from server.resilience import escalation
from server.tables import notifications

if TYPE_CHECKING:
    from server.app import App

Action = Callable[["App", Mapping[str, str]], Awaitable[str]]


class ActionError(Exception):
    """A refused action: the message says why and what to do instead."""


def _id(form: Mapping[str, str], name: str = "id") -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise ActionError(f"missing or invalid {name}: the form must carry a number") from None


async def approve(app: App, form: Mapping[str, str]) -> str:
    from server.trust import review

    try:
        decided = await review.approve(app, _id(form), form.get("note", ""))
    except ConfigError as exc:
        raise ActionError(str(exc)) from exc
    item = decided.request
    if decided.ran is None:
        return f"{item['kind']} #{item['id']} approved: {item['skill']} runs on the next heartbeat"
    if decided.ran.status != "executed":
        return f"{item['kind']} #{item['id']} approved, but {item['skill']} failed: {decided.ran.detail}"
    return f"{item['kind']} #{item['id']} approved and done: {words.result(decided.ran.detail)}"


async def reject(app: App, form: Mapping[str, str]) -> str:
    from server.trust import review

    reason = form.get("reason", "").strip()
    if not reason:
        raise ActionError("give a reason: the agent reads it and should not ask for the same thing again")
    try:
        decided = await review.reject(app, _id(form), reason)
    except ConfigError as exc:
        raise ActionError(str(exc)) from exc
    item = decided.request
    return f"{item['kind']} #{item['id']} rejected: {item['skill']} will not run"


async def resume(app: App, form: Mapping[str, str]) -> str:
    name = form.get("name", "")
    if name not in app.registry.skills:
        raise ActionError(f"unknown skill {name!r}")
    async with app.store.transaction() as tx:
        resumed = await escalation.resume(tx, name, app.clock.now())
    return f"{name}: {'resumed' if resumed else 'was not paused; breaker reset'}"


async def reset(app: App, form: Mapping[str, str]) -> str:
    from server.resilience import backoff

    cleared = await backoff.reset(app.store, who="cli", now=app.clock.now())
    if not cleared:
        return "the heartbeat has no failure streak to clear"
    return f"cleared a streak of {cleared} failed heartbeat cycles: the next scheduled cycle runs"


async def read(app: App, form: Mapping[str, str]) -> str:
    ids = None if form.get("all") else [_id(form)]
    if ids and await notifications.missing(app.store, ids):
        raise ActionError(f"no notification #{ids[0]}")
    marked = await notifications.mark_read(app.store, ids=ids, now=app.clock.now().isoformat(timespec="seconds"))
    return f"marked {marked} notification{'' if marked == 1 else 's'} read"


async def _call(app: App, skill: str, arguments: dict[str, object]) -> str:
    result = await app.executor.call(skill, arguments, caller="cli")
    if not result.ok:
        raise ActionError(result.message)
    return result.text


async def retry(app: App, form: Mapping[str, str]) -> str:
    await _call(app, "email_retry_failed", {"ids": [_id(form)]})
    return f"message #{_id(form)} queued again; it goes out on the next delivery run"


async def redeliver(app: App, form: Mapping[str, str]) -> str:
    await _call(app, "webhooks_redeliver", {"delivery_id": _id(form)})
    return f"delivery #{_id(form)} queued again; it goes out on the next dispatch run"


ACTIONS: dict[str, Action] = {"approve": approve, "reject": reject, "resume": resume, "reset": reset, "read": read,
                              "retry": retry, "redeliver": redeliver}
