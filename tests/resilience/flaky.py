"""A test-only module whose skills fail on command, to drive every resilience layer."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from skills import ErrorKind, ExternalError, Migration, Module, RetrySkill, SkillContext, SkillFailed, skill


class Attempt(BaseModel):
    attempt: int
    prev_error: str | None


# Scripted failures per skill name: a list of ErrorKind (or "retry" / "fail") consumed one per attempt.
SCRIPT: dict[str, list[str]] = {}
SEEN: list[tuple[str, int, str | None]] = []


async def _next(ctx: SkillContext) -> Attempt:
    SEEN.append((ctx.skill_name, ctx.retry, ctx.prev_error))
    await ctx.db.execute("INSERT INTO flaky_calls (skill, attempt) VALUES (?, ?)", (ctx.skill_name, ctx.retry))
    queue = SCRIPT.get(ctx.skill_name, [])
    step = queue.pop(0) if queue else "ok"
    if step == "retry":
        raise RetrySkill("the remote said: try a smaller page")
    if step == "fail":
        raise SkillFailed("the input makes this impossible")
    if step == "slow":
        await asyncio.sleep(5)
    if step != "ok":
        raise ExternalError(f"remote failed with {step}", kind=ErrorKind(step))
    return Attempt(attempt=ctx.retry, prev_error=ctx.prev_error)


@skill(name="flaky_sync", title="Sync", category="system", instructions="Calls a remote that may fail.")
async def sync(ctx: SkillContext, target: str = "crm", api_key: str = "") -> Attempt:
    """Sync with a remote system.

    Args:
        target: What to sync.
        api_key: Credential for the remote.
    """
    return await _next(ctx)


@skill(name="flaky_send", title="Send", category="communication", instructions="Sends through a remote.",
       timeout_s=0.05)
async def send(ctx: SkillContext, to: str = "x") -> Attempt:
    """Send something through a remote.

    Args:
        to: Recipient.
    """
    return await _next(ctx)


@skill(name="flaky_notify", title="Notify", category="communication", trust="notify",
       instructions="Runs and tells the admin when the agent uses it.")
async def notify(ctx: SkillContext) -> Attempt:
    """Do something the admin hears about."""
    return await _next(ctx)


module = Module(
    id="flaky", name="Flaky", description="Fails on command.", category="system", version="1",
    skills=(sync, send, notify),
    migrations=(Migration(1, "CREATE TABLE flaky_calls (id INTEGER PRIMARY KEY, skill TEXT, attempt INTEGER)"),),
)


def reset() -> None:
    SCRIPT.clear()
    SEEN.clear()
