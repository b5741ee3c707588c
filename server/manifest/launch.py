"""The MCP tier, chosen once per launch (2026-07-28: tools/list must not vary per connection).

``auto`` picks full when its tools, as a host passes them to its model (name, description and
input schema: render.model_visible; titles and hints stay with the host), stay within a share of
the client's context window (default 5 % of 200,000 tokens: past that, client guidance is to
switch to tool search, which the meta-tools are), and compact otherwise: compact lists every
tool with every parameter, so a host never loses one. Drop, which leaves tools and optional
parameters out, is the reasoning loop's tier (agent/loop.py); a host gets it only by name
(``--tier drop``). Measuring the three tiers takes ~0.1-0.2 s at start-up.
The drop tier's ranking is frozen at launch too, so the list is stable for the life of the
process; only enabling or disabling modules changes it, for every client at once. The
launch's ``Selection`` (offered.py) narrows the listing further.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

import mcp_types as types

from server import manifest, settings
from server.app import App
from server.cache import runtime_cache
from server.errors import ConfigError
from server.manifest.offered import Selection
from server.manifest.render import model_visible
from server.manifest.tiers import TIERS, Tier
from server.tokens import get_counter
from server.version import VERSION

DEFAULT_CONTEXT_TOKENS = 200_000
DEFAULT_SHARE = 0.05
TIER_ENV = "PILOTHOUSE_TIER"


@dataclass
class TierChoice:
    tier: Tier
    tokens: dict[str, int] = field(default_factory=dict)  # tools/list tokens per tier
    limit: int = 0
    reason: str = ""


def requested_tier(flag: str | None) -> str:
    """The --tier flag, else $PILOTHOUSE_TIER, else auto."""
    value = (flag or settings.load().tier or "auto").strip().lower()
    if value not in (*TIERS, "auto"):
        raise ConfigError(f"unknown tier {value!r}: use full, compact, drop or auto (--tier or ${TIER_ENV})")
    return value


async def measure(app: App) -> dict[str, int]:
    """Tokens of each tier's tools as the client's model reads them."""
    counter = await get_counter()
    return {t: counter.count_json([model_visible(tool) for tool in await manifest.mcp_tools(app, t)]) for t in TIERS}


async def choose_tier(app: App, requested: str, context_tokens: int = DEFAULT_CONTEXT_TOKENS,
                      share: float = DEFAULT_SHARE) -> TierChoice:
    if context_tokens <= 0 or not 0 < share <= 1:
        raise ConfigError("--context-tokens must be positive and --tool-share between 0 and 1 (e.g. 0.05)")
    tokens = await measure(app)
    limit = int(context_tokens * share)
    if requested != "auto":
        return TierChoice(requested, tokens, limit, "chosen at launch")  # type: ignore[arg-type]
    within = f"{share:.0%} of {context_tokens:,} tokens"
    if tokens["full"] <= limit:
        return TierChoice("full", tokens, limit, f"auto: full fits within {within} ({tokens['full']:,} <= {limit:,})")
    fits = "fits" if tokens["compact"] <= limit else f"is over it ({tokens['compact']:,}) but lists every tool"
    return TierChoice("compact", tokens, limit, f"auto: full is over {within} ({tokens['full']:,} > {limit:,}); "
                                                f"compact {fits}, every parameter kept")


async def launch_tier(app: App, requested: str, context_tokens: int = DEFAULT_CONTEXT_TOKENS,
                      share: float = DEFAULT_SHARE) -> TierChoice:
    """``choose_tier`` for ``serve``, without the cost of counting at every start.

    An explicit tier needs no measuring. ``auto`` depends only on the enabled catalog and the
    two parameters, so its answer is kept in ``runtime_cache`` and measured again only when one
    of them (or the version) changes: loading the tokenizer and counting every tier costs a few
    hundred milliseconds of cold start.
    """
    if requested != "auto":
        return TierChoice(requested, {}, int(context_tokens * share), "chosen at launch")  # type: ignore[arg-type]
    names = [s.name for s in await manifest.enabled_skills(app)]
    fingerprint = json.dumps([VERSION, names, context_tokens, share])
    key = "mcp_tier:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:24]
    cached = await runtime_cache.read(app.store, key)
    if cached is not None:
        return TierChoice(**cached)
    choice = await choose_tier(app, "auto", context_tokens, share)
    await runtime_cache.write(app.store, key, asdict(choice), app.clock.now())
    return choice


class ToolListing:
    """What the MCP surface lists, for one launch's tier (calls go straight to the executor)."""

    def __init__(self, app: App, tier: Tier, selection: Selection | None = None) -> None:
        self.app = app
        self.tier = tier
        self.selection = selection or Selection()
        self._drop_names: list[str] | None = None

    async def freeze(self) -> None:
        """Fix the drop tier's skills now (at launch), not at the first tools/list."""
        if self.tier == "drop" and self._drop_names is None:
            self._drop_names = [s.name for s in await manifest.tier_skills(self.app, "drop")]

    async def list_tools(self, selection: Selection | None = None) -> list[types.Tool]:
        """The tier's tools within the launch's selection, narrowed further by ``selection`` if given."""
        chosen = self.selection if selection is None else self.selection.narrow(selection)
        if self.tier != "drop":
            if chosen.everything:
                return await manifest.mcp_tools(self.app, self.tier)
            skills = [s for s in await manifest.tier_skills(self.app, self.tier) if chosen.allows(s)]
            reachable = [s for s in await manifest.enabled_skills(self.app) if chosen.allows(s)]
            return await manifest.mcp_tools(self.app, self.tier, skills, reachable)
        await self.freeze()
        offered = [s for s in await manifest.enabled_skills(self.app) if chosen.allows(s)]
        picked = [self.app.registry.skills[n] for n in self._drop_names or []]
        return await manifest.mcp_tools(self.app, "drop", [s for s in picked if s in offered], offered)
