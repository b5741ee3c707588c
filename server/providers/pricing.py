"""What a model call cost, in US dollars, for the ``ai_usage`` rows (per skill, per run).

Prices are per million tokens (input, output). The defaults are the providers' list prices for
the default models of server/providers/settings.py; local providers (ollama, local) cost
nothing. Any model can be priced, or a default corrected, with
``PILOTHOUSE_AI_PRICE_<MODEL>="<input>,<output>"`` (the model name upper-cased, every other
character than a letter or digit as ``_``), e.g. PILOTHOUSE_AI_PRICE_GPT_4_1_MINI="0.40,1.60".
A model with no known price records no cost (NULL), never a made-up zero.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from server import settings
from server.errors import ConfigError

LOCAL = frozenset({"ollama", "local"})
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gemini-2.5-flash": (0.30, 2.50),
    "gemini-2.5-pro": (1.25, 10.00),
}
PREFIX = "PILOTHOUSE_AI_PRICE_"


def price_variable(model: str) -> str:
    return PREFIX + re.sub(r"[^A-Z0-9]", "_", model.upper())


def price(provider: str, model: str, env: Mapping[str, str] | None = None) -> tuple[float, float] | None:
    """(input, output) dollars per million tokens, or None when unknown."""
    raw = settings.values([price_variable(model)], env).get(price_variable(model))
    if raw:
        try:
            prompt, completion = (float(p) for p in raw.split(","))
        except ValueError:
            raise ConfigError(f"{price_variable(model)}={raw!r}: give two prices per million tokens, "
                              "input and output, e.g. 0.40,1.60") from None
        return prompt, completion
    if provider in LOCAL:
        return 0.0, 0.0
    return DEFAULT_PRICES.get(model)


def cost_usd(provider: str, model: str, prompt_tokens: int, completion_tokens: int,
             env: Mapping[str, str] | None = None) -> float | None:
    known = price(provider, model, env)
    if known is None:
        return None
    return round((prompt_tokens * known[0] + completion_tokens * known[1]) / 1_000_000, 8)
