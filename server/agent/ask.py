"""One person's request to the agent (``pilothouse ask``, and any runner that drives the agent the same way).

    record = await ask(app, "Which invoices are overdue?")          # -> RunRecord

The prompt follows the model's budget (server/agent/budget.py): prompts/ask.md for a model with
room, prompts/lean.md for a small window. The system prompt holds only what does not change
between requests (the rules, the enabled modules), and the current time comes last, in the
request, so a server's prompt cache reuses the system prompt and the tools across requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prompts.render import load, render
from server.agent.budget import model_budget
from server.agent.loop import run_loop
from server.providers import NoProviderAvailable, ProviderChain

if TYPE_CHECKING:
    from server.agent.loop_record import RunRecord
    from server.app import App

MAX_ITERATIONS = 6
TOKEN_BUDGET = 120_000
WALL_CLOCK_S = 300.0


async def ask(app: App, request: str, *, tier: str = "fast", provider: str | None = None,
              max_iterations: int = MAX_ITERATIONS, token_budget: int = TOKEN_BUDGET,
              wall_clock_s: float | None = WALL_CLOCK_S, resume_run_id: str | None = None) -> RunRecord:
    async with ProviderChain.for_app(app) as chain:
        if resume_run_id is not None:
            return await run_loop(app, resume_run_id=resume_run_id, wall_clock_s=wall_clock_s, providers=chain)
        system_prompt = await _system_prompt(app, chain, tier, provider)
        now = app.clock.now().isoformat(timespec="minutes")
        return await run_loop(
            app, system_prompt=system_prompt, user_message=f"{request}\n\nNow: {now} (UTC)", kind="ask",
            max_iterations=max_iterations, token_budget=token_budget, model_tier=tier, wall_clock_s=wall_clock_s,
            preferred_provider=provider, providers=chain, focus=request,
        )


async def _system_prompt(app: App, chain: ProviderChain, tier: str, provider: str | None) -> str:
    try:
        budget = await model_budget(chain, tier, provider)
    except NoProviderAvailable:
        budget = None  # the loop records why no provider answered
    if budget is not None and budget.small:
        return load("lean")
    modules = sorted(await app.modules.enabled_ids())
    return render("ask", modules=", ".join(modules) or "none")
