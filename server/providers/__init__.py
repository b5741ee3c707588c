"""AI providers (Pattern 6): the fallback chain openai -> gemini -> ollama -> local.

    config = await resolve_ai_config("reasoning", preferred_provider="gemini")
    config.model_id                                   # "gemini:gemini-2.5-pro"

    async with ProviderChain.for_app(app) as chain:   # failover, cooldowns, ai_usage rows
        result = await chain.complete(messages, tools, tier="fast", run_id=run_id)

Settings: the chain stored with ``pilothouse providers set`` (server/providers/stored.py), with the
environment on top (``server.providers.settings``). Importing this package is
cheap: the provider SDKs load on the first model call, never at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping

from server.providers.chain import ProviderChain
from server.providers.config import load_settings
from server.providers.errors import AllProvidersFailed, NoProviderAvailable, ProviderError
from server.providers.probe import ProbeCache
from server.providers.settings import PROVIDERS, AiSettings
from server.providers.types import AiConfig, Attempt, ChatResult, ModelReply, Tier, ToolCall
from skills import Clock, SystemClock
from skills.context import Database

__all__ = [
    "PROVIDERS",
    "AiConfig",
    "AiSettings",
    "AllProvidersFailed",
    "Attempt",
    "ChatResult",
    "ModelReply",
    "NoProviderAvailable",
    "ProbeCache",
    "ProviderChain",
    "ProviderError",
    "Tier",
    "ToolCall",
    "resolve_ai_config",
]

# Shared by bare resolve_ai_config calls so a down local server is probed once per TTL, not per call.
_probes: ProbeCache | None = None


async def resolve_ai_config(
    tier: str = "fast",
    preferred_provider: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    store: Database | None = None,
    clock: Clock | None = None,
) -> AiConfig:
    """The first available provider for ``tier``: configured (given the store, the instance's stored
    chain too), answering if local, and (given the store) not cooling down. Raises
    ``NoProviderAvailable`` naming what to set."""
    global _probes
    settings = await load_settings(store, env)
    if _probes is None or (_probes.timeout_s, _probes.ttl_s) != (settings.probe_timeout_s, settings.probe_ttl_s):
        _probes = ProbeCache(timeout_s=settings.probe_timeout_s, ttl_s=settings.probe_ttl_s)
    chain = ProviderChain(store, clock or SystemClock(), settings, probes=_probes)
    return await chain.resolve(tier, preferred_provider)
