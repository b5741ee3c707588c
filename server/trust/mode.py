"""The agent's mode, kept in the pilot module's settings (``mode``): ``live`` or ``shadow``.

In shadow mode the heartbeat runs as usual, but every call the agent would make to a skill that
writes becomes a proposal for a person (server/trust/gate.py). Only a person sets the mode: the
CLI, or the trust tools over MCP, which refuse the agent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal, cast

from server.access.local import local_name
from server.errors import ConfigError
from server.tables import activity, skill_state
from skills.context import Database

if TYPE_CHECKING:
    from server.app import App

Mode = Literal["live", "shadow"]
MODES: tuple[Mode, ...] = ("live", "shadow")
PILOT = "pilot"


async def current(db: Database) -> Mode:
    """Read fresh on every call, like a pause: a mode set from another process counts at once."""
    raw = await skill_state.module_settings(db, PILOT)
    value = json.loads(raw).get("mode") if raw else None
    return cast(Mode, value) if value in MODES else "live"


async def set_mode(app: App, mode: str, *, who: str, by: str | None = None) -> tuple[Mode, Mode]:
    """Set the mode; ``(before, after)``. One activity row when it changed."""
    if mode not in MODES:
        raise ConfigError(f"unknown agent mode {mode!r}; use one of: {', '.join(MODES)}")
    if who not in ("mcp", "cli"):
        raise ConfigError("the agent's mode is a person's decision: the agent can never change its own mode")
    before = await current(app.store)
    if before == mode:
        return before, before
    await app.modules.configure(PILOT, {"mode": mode})
    async with app.store.transaction() as tx:
        await activity.write(
            tx, ts=app.clock.now().isoformat(timespec="seconds"), caller=who, run_id=None, skill="agent_mode",
            caller_name=by or (local_name() if who == "cli" else None),
            module_id=PILOT, arguments={"from": before, "to": mode}, output_summary=f"agent mode {before} -> {mode}",
            status="ok", outcome="neutral", error_kind=None, error=None, duration_ms=0, attempts=1)
    return before, mode
