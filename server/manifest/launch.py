"""The MCP tier, chosen once per launch (the 2026-07-28 spec: tools/list must not vary per connection).

``auto`` picks the richest tier whose tools/list JSON stays within a share of the client's
declared context window (default 5 % of 200,000 tokens: the point where client guidance says
to switch to tool search). The drop tier's ranking is computed once at launch too, so the list
is stable for the life of the process; only enabling or disabling modules changes it, for everyone.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

import mcp_types as types

from server import manifest
from server.app import App
from server.errors import ConfigError
from server.executor import CallResult
from server.manifest.render import tools_list_json
from server.manifest.tiers import TIERS, Tier
from server.tokens import get_counter

DEFAULT_CONTEXT_TOKENS = 200_000
DEFAULT_SHARE = 0.05


@dataclass
class TierChoice:
    tier: Tier
    tokens: dict[str, int] = field(default_factory=dict)
    limit: int = 0
    reason: str = ""


def requested_tier(flag: str | None) -> str:
    value = (flag or os.environ.get("PILOTHOUSE_TIER") or "auto").lower()
    if value not in (*TIERS, "auto"):
        raise ConfigError(f"unknown tier {value!r}: use full, compact, drop or auto")
    return value


async def measure(app: App) -> dict[str, int]:
    counter = await get_counter()
    return {t: counter.count_json(tools_list_json(await manifest.mcp_tools(app, t))) for t in TIERS}


async def choose_tier(app: App, requested: str, context_tokens: int = DEFAULT_CONTEXT_TOKENS,
                      share: float = DEFAULT_SHARE) -> TierChoice:
    tokens = await measure(app)
    limit = int(context_tokens * share)
    if requested != "auto":
        return TierChoice(requested, tokens, limit, "chosen at launch")  # type: ignore[arg-type]
    for tier in TIERS:
        if tokens[tier] <= limit:
            return TierChoice(tier, tokens, limit, f"richest tier within {share:.0%} of {context_tokens:,} tokens")
    return TierChoice("drop", tokens, limit, "no tier fits the share; drop is the smallest")


async def cached_choice(app: App, requested: str, context_tokens: int = DEFAULT_CONTEXT_TOKENS,
                        share: float = DEFAULT_SHARE) -> TierChoice:
    """``choose_tier``, remembered per catalog: counting tokens costs a few hundred milliseconds
    of start-up, and the answer only changes when the enabled skills do."""
    if requested != "auto":
        return TierChoice(requested, reason="chosen at launch")  # type: ignore[arg-type]
    names = [s.name for s in await manifest.enabled_skills(app)]
    digest = hashlib.sha256(json.dumps([names, context_tokens, share]).encode()).hexdigest()[:16]
    key = f"mcp_tier_choice:{digest}"
    row = await app.store.fetchone("SELECT value FROM memory WHERE key = ?", (key,))
    if row is not None:
        return TierChoice(**json.loads(row["value"]))
    choice = await choose_tier(app, "auto", context_tokens, share)
    await app.store.execute(
        "INSERT OR REPLACE INTO memory (key, value, category, updated_at) VALUES (?, ?, 'system', ?)",
        (key, json.dumps(asdict(choice)), app.clock.now().isoformat(timespec="seconds")))
    return choice


class McpCatalog:
    """What the MCP surface lists and calls for one launch's tier."""

    def __init__(self, app: App, tier: Tier) -> None:
        self.app = app
        self.tier = tier
        self._drop_names: list[str] | None = None

    async def list_tools(self) -> list[types.Tool]:
        if self.tier != "drop":
            return await manifest.mcp_tools(self.app, self.tier)
        if self._drop_names is None:
            self._drop_names = [s.name for s in await manifest.tier_skills(self.app, "drop")]
        enabled = {s.name for s in await manifest.enabled_skills(self.app)}
        chosen = [self.app.registry.skills[n] for n in self._drop_names if n in enabled]
        return await manifest.mcp_tools(self.app, "drop", chosen)

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> CallResult:
        # A skill left out of the list is still callable by name: the list is smaller, not the server.
        return await manifest.call_tool(self.app, name, arguments, caller="mcp")
