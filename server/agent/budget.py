"""The reasoning loop's budget is the model's: its context window, the tier it allows, the reply it may write.

The seed's tiers (compact above 50 % of the budget, drop above 75 %; server/manifest/tiers.py)
apply to the context window of the model that will answer (server/providers/window.py: a
setting, the server's own word, a table), never to a fixed 120k:

- a *small* window (under ``SMALL_WINDOW`` tokens: a local model on a laptop) starts at the drop
  tier (at most ~1,000 tokens of tools) and gets the lean system prompt (prompts/lean.md); its
  budget has no room for 4,000 tokens of tools beside a conversation, and such a model also
  chooses worse among many;
- every request keeps room for the reply: ``reply_tokens`` (window.reply_tokens) is its
  ``max_tokens``, and a request that would leave less ends the run (``token_budget``);
- token counts are ours (tiktoken); the provider's own count of the previous request calibrates
  them (``scale``), since a small model's tokenizer may need a third more tokens for the same text.

This is the loop's choice only; what ``serve`` lists to MCP hosts is decided at launch
(server/manifest/launch.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from server.manifest.tiers import TIERS, Tier, resolve_tier
from server.providers.window import reply_tokens

if TYPE_CHECKING:
    from server.agent.loop_record import IterationRecord
    from server.providers import ProviderChain

SMALL_WINDOW = 32_768


@dataclass(frozen=True, slots=True)
class LoopBudget:
    provider: str
    model: str
    window: int
    source: str  # where the window came from
    reply_tokens: int

    @property
    def small(self) -> bool:
        return self.window < SMALL_WINDOW

    @property
    def richest(self) -> Tier:
        return "drop" if self.small else "full"

    def limit(self, token_budget: int) -> int:
        """What a request may use: the run's budget, never more than the window less the reply."""
        return min(token_budget, self.window - self.reply_tokens)

    def context_chars(self, configured: int) -> int:
        """Characters of heartbeat context (objectives, activity...) for this window: a quarter of it
        at ~4 characters a token, and never more than the configured total."""
        return min(configured, self.window)


async def model_budget(chain: ProviderChain, tier: str = "fast", preferred: str | None = None) -> LoopBudget:
    """The budget of the provider that would answer now (raises NoProviderAvailable like ``resolve``)."""
    config = await chain.resolve(tier, preferred)
    window = await chain.window(config)
    return LoopBudget(config.provider, config.model, window.tokens, window.source,
                      reply_tokens(tier, window.tokens))


def scale(last: IterationRecord | None, budget: LoopBudget) -> float:
    """How many of the provider's tokens one of ours is, from its count of the last request (>= 1)."""
    if last is None or not last.prompt_tokens or (last.provider, last.model) != (budget.provider, budget.model):
        return 1.0
    ours = last.conversation_tokens + last.tool_tokens
    return max(1.0, last.prompt_tokens / ours) if ours else 1.0


def fits(tier: Tier, request_tokens: float, limit: int) -> bool:
    """The seed's rule: ``tier`` may carry this request when the tier the request's share calls for is no richer."""
    return TIERS.index(resolve_tier(int(request_tokens), max(1, limit))) <= TIERS.index(tier)
