"""A test-only module whose skills fail on command, to drive every resilience layer."""

from __future__ import annotations

import asyncio
from typing import Literal

from pydantic import BaseModel

from skills import ErrorKind, ExternalError, Migration, Module, RetrySkill, SkillContext, SkillFailed, skill


class Attempt(BaseModel):
    attempt: int
    prev_error: str | None


# Scripted failures per skill name: a list of ErrorKind (or "retry" / "fail" / "slow" / "ok") consumed one per
# attempt. "hold:NAME:STEP" parks the attempt until the test opens gate NAME, then plays STEP: it orders
# concurrent calls deterministically, without sleeping.
SCRIPT: dict[str, list[str]] = {}
SEEN: list[tuple[str, int, str | None]] = []
GATES: dict[str, tuple[asyncio.Event, asyncio.Event]] = {}


def gate(name: str) -> tuple[asyncio.Event, asyncio.Event]:
    """(entered, release) of a hold step: await ``entered``, then ``release.set()``."""
    return GATES.setdefault(name, (asyncio.Event(), asyncio.Event()))


async def _next(ctx: SkillContext) -> Attempt:
    SEEN.append((ctx.skill_name, ctx.retry, ctx.prev_error))
    await ctx.db.execute("INSERT INTO flaky_calls (skill, attempt) VALUES (?, ?)", (ctx.skill_name, ctx.retry))
    queue = SCRIPT.get(ctx.skill_name, [])
    step = queue.pop(0) if queue else "ok"
    if step.startswith("hold:"):
        _, name, step = step.split(":", 2)
        entered, release = gate(name)
        entered.set()
        await release.wait()
    if step == "retry":
        raise RetrySkill("the remote said: try a smaller page")
    if step == "fail":
        raise SkillFailed("the input makes this impossible")
    if step == "retry_quota":  # a handler asking for a retry of something retrying cannot fix
        raise RetrySkill("monthly quota exhausted", kind=ErrorKind.QUOTA_HIT)
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


@skill(name="flaky_remote", title="Remote", category="system", transactional=False, open_world=True,
       instructions="Calls a remote over HTTP (raise_for_status) or plays the script; holds no transaction.")
async def remote(ctx: SkillContext, url: str = "", key: str = "") -> Attempt:
    """Fetch a URL, or play the scripted outcome when no URL is given.

    Args:
        url: Where to send a GET; empty plays the script instead.
        key: Any text, so calls can differ.
    """
    if not url:
        return await _next(ctx)
    SEEN.append((ctx.skill_name, ctx.retry, ctx.prev_error))
    response = await ctx.http.get(url)
    response.raise_for_status()
    return Attempt(attempt=ctx.retry, prev_error=ctx.prev_error)


@skill(name="flaky_outcome", title="Outcome", category="system",
       instructions="Succeeds and scores its own outcome (partial or no_effect) for the evaluation layer.")
async def outcome(ctx: SkillContext, outcome: Literal["success", "partial", "no_effect"] = "success") -> Attempt:
    """Succeed with the given outcome.

    Args:
        outcome: The outcome to report.
    """
    ctx.set_outcome(outcome)
    return Attempt(attempt=ctx.retry, prev_error=None)


@skill(name="flaky_approve", title="Approve", category="communication", trust="approve",
       instructions="Something irreversible: the agent must ask a person first.")
async def approve(ctx: SkillContext) -> Attempt:
    """Do something irreversible."""
    return await _next(ctx)


module = Module(
    id="flaky", name="Flaky", description="Fails on command.", category="system", version="1",
    skills=(sync, send, notify, remote, outcome, approve),
    migrations=(Migration(1, "CREATE TABLE flaky_calls (id INTEGER PRIMARY KEY, skill TEXT, attempt INTEGER)"),),
)


def reset() -> None:
    SCRIPT.clear()
    SEEN.clear()
    GATES.clear()
