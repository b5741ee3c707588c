"""What ``pilothouse ask`` shows the model first: the system prompt of a person's request.

One place, so the proving ground (``evals/``) measures the agent with the prompt a person's
request really gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prompts.render import render

if TYPE_CHECKING:
    from server.app import App


async def ask_system_prompt(app: App) -> str:
    modules = sorted(await app.modules.enabled_ids())
    return render("ask", now=app.clock.now().isoformat(timespec="minutes"), modules=", ".join(modules) or "none")
