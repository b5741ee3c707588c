"""The provider fallback chain at run time: resolve, call, fail over, cool down, account.

    complete(messages, tools, tier)
      for each provider in chain order (a preferred one first):
        cooling down?          -> skip (Attempt "skipped")
        local and not answering the probe? -> skip
        call it                -> ok: usage row, clear its failures, return
                               -> ProviderError: usage row, cooldown policy, next provider
      nothing tried            -> NoProviderAvailable (names what to set or fix)
      everything failed        -> AllProvidersFailed (every attempt, with its error kind)

Every failure moves on within the same call: 5xx, timeouts, connection errors and rate
limits because another provider can answer now, auth and quota because this one will
not answer at all (and a quota 429 is never retried on the same provider).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from server.providers import cooldown, pricing, usage
from server.providers.config import load_settings
from server.providers.cooldown import ProviderState
from server.providers.errors import AllProvidersFailed, NoProviderAvailable, ProviderError
from server.providers.probe import ProbeCache
from server.providers.settings import HOW_TO_CONFIGURE, PROVIDERS, AiSettings, check_tier
from server.providers.types import AiConfig, Attempt, ChatResult, ModelReply
from server.providers.window import Window, WindowCache, reply_tokens
from server.telemetry.models import traced_model_call
from skills import Clock, ErrorKind
from skills.context import Database

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)


class Adapter(Protocol):
    async def chat(self, model: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]], *,
                   max_tokens: int, context_window: int) -> ModelReply: ...
    async def aclose(self) -> None: ...


class ProviderChain:
    """One per run or per process; reuses one SDK client per provider. ``store`` may be None (no
    cooldowns, no usage rows) for a bare ``resolve_ai_config``. Without ``settings`` the chain is
    the instance's (``providers set``, read from ``store``) with the environment on top, read on
    first use (config.py)."""

    def __init__(self, store: Database | None, clock: Clock, settings: AiSettings | None = None, *,
                 probes: ProbeCache | None = None) -> None:
        self.store = store
        self.clock = clock
        self._settings = settings
        self._probes = probes
        self._windows: WindowCache | None = None
        self._adapters: dict[str, Adapter] = {}

    async def ready(self) -> AiSettings:
        """The settings this chain uses, loaded once."""
        if self._settings is None:
            self._settings = await load_settings(self.store)
        return self._settings

    @property
    def settings(self) -> AiSettings:
        if self._settings is None:
            raise RuntimeError("the chain's settings are read on first use: await chain.ready() first")
        return self._settings

    @property
    def probes(self) -> ProbeCache:
        if self._probes is None:
            self._probes = ProbeCache(timeout_s=self.settings.probe_timeout_s, ttl_s=self.settings.probe_ttl_s)
        return self._probes

    @property
    def windows(self) -> WindowCache:
        if self._windows is None:
            self._windows = WindowCache(timeout_s=self.settings.probe_timeout_s)
        return self._windows

    @classmethod
    def for_app(cls, app: App, settings: AiSettings | None = None) -> ProviderChain:
        return cls(app.store, app.clock, settings)

    async def __aenter__(self) -> ProviderChain:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        adapters, self._adapters = list(self._adapters.values()), {}
        for adapter in adapters:
            await adapter.aclose()

    async def resolve(self, tier: str = "fast", preferred: str | None = None) -> AiConfig:
        """The first provider that is configured, out of cooldown and (if local) answering."""
        await self.ready()
        skipped: list[Attempt] = []
        async for config in self._candidates(check_tier(tier), preferred, await self._states(), skipped):
            return config
        raise NoProviderAvailable(self._nothing_available(skipped))

    async def window(self, config: AiConfig) -> Window:
        """The context window of ``config``'s model (window.py: a setting, the server's word, a table)."""
        await self.ready()
        spec = next(s for s in self.settings.providers if s.name == config.provider)
        return await self.windows.get(spec, config.model)

    @traced_model_call(pricing.cost_usd)
    async def complete(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], *, tier: str = "fast",
        preferred: str | None = None, run_id: str | None = None, skill: str | None = None,
        max_tokens: int | None = None,
    ) -> ChatResult:
        """One answer, failing over along the chain; ``skill`` names the skill a ``ctx.ai`` call is for.
        Every request has a reply length: ``max_tokens`` when given, never more than the tier's length
        for that model's window (window.reply_tokens)."""
        await self.ready()
        states = await self._states()
        attempts: list[Attempt] = []
        async for config in self._candidates(check_tier(tier), preferred, states, attempts):
            adapter = self._adapter(config)
            window = await self.window(config)
            fitted = reply_tokens(tier, window.tokens)
            started = time.perf_counter()
            try:
                reply = await adapter.chat(config.model, messages, tools, context_window=window.tokens,
                                           max_tokens=min(max_tokens or fitted, fitted))
            except ProviderError as err:
                latency = (time.perf_counter() - started) * 1000
                attempts.append(Attempt(config.provider, config.model, "error", str(err.kind), err.message, latency))
                log.warning("%s failed (%s): %s; trying the next provider", config.model_id, err.kind, err.message)
                await self._failed(config, err, states.get(config.provider), tier, run_id, latency, skill)
                continue
            latency = (time.perf_counter() - started) * 1000
            attempts.append(Attempt(config.provider, config.model, "ok", latency_ms=latency))
            await self._succeeded(config, reply, states.get(config.provider), tier, run_id, latency, skill)
            return ChatResult(config.provider, config.model, reply, latency, tuple(attempts))
        if not any(a.status == "error" for a in attempts):
            raise NoProviderAvailable(self._nothing_available(attempts))
        raise AllProvidersFailed(attempts)

    async def status(self) -> list[dict[str, Any]]:
        """Every known provider, the chain first in its order: models, where its settings come from, its
        key's reference (never the key), its context window, availability and cooldown (for the CLI, the
        cockpit and health)."""
        await self.ready()
        states = await self._states()
        now = self.clock.now()
        chain = self.settings.ordered()
        unusable = dict(self.settings.unusable)
        rows = []
        for name in [*(s.name for s in chain), *(p for p in PROVIDERS if p not in {s.name for s in chain})]:
            state = states.get(name)
            row: dict[str, Any] = {
                "provider": name, "order": None, "configured": False, "available": False, "endpoint": None,
                "model_fast": None, "model_reasoning": None, "origin": None, "key": None, "window": None,
                "cooldown_until": _iso(state.cooldown_until) if state and state.cooling(now) else None,
                "reason": state.reason if state else None, "failures": state.failures if state else 0,
            }
            spec = next((s for s in chain if s.name == name), None)
            if spec is None:
                row["reason"] = unusable.get(name) or f"not configured: {_variable(name)}"
                rows.append(row)
                continue
            row.update(order=chain.index(spec) + 1, configured=True, endpoint=spec.base_url, origin=spec.origin,
                       key=spec.key_ref, model_fast=spec.models["fast"], model_reasoning=spec.models["reasoning"])
            row["available"] = not (state and state.cooling(now))
            if spec.local and row["available"]:
                probe = await self.probes.check(spec)
                row["available"] = probe.ok
                if not probe.ok:
                    row["reason"] = probe.error
                elif spec.models["fast"] is None:
                    first = probe.models[0] if probe.models else None
                    row.update(model_fast=first, model_reasoning=first)
            if row["available"] and row["model_fast"]:
                window = await self.windows.get(spec, row["model_fast"])
                row["window"] = f"{window.tokens} ({window.source})"
            rows.append(row)
        return rows

    async def _candidates(
        self, tier: str, preferred: str | None, states: dict[str, ProviderState], skipped: list[Attempt]
    ) -> AsyncIterator[AiConfig]:
        now = self.clock.now()
        for spec in self.settings.ordered(preferred):
            model = spec.models[tier]
            state = states.get(spec.name)
            if state is not None and state.cooling(now):
                assert state.cooldown_until is not None
                skipped.append(Attempt(spec.name, model or "?", "skipped", None,
                                       f"cooling down until {state.cooldown_until.isoformat()} after {state.reason}"))
                continue
            if spec.local:
                probe = await self.probes.check(spec)
                if not probe.ok:
                    skipped.append(Attempt(spec.name, model or "?", "skipped", ErrorKind.NETWORK, probe.error))
                    continue
                if model is None:
                    if not probe.models:
                        var = "OLLAMA_MODEL" if spec.name == "ollama" else "LOCAL_AI_MODEL"
                        skipped.append(Attempt(spec.name, "?", "skipped", None,
                                               f"{spec.base_url} lists no model; set {var}"))
                        continue
                    model = probe.models[0]
            assert model is not None
            yield AiConfig(spec.name, model, spec.api, spec.base_url, spec.api_key)

    def _adapter(self, config: AiConfig) -> Adapter:
        adapter = self._adapters.get(config.provider)
        if adapter is None:
            if config.api == "ollama":
                from server.providers.ollama_native import OllamaAdapter

                adapter = OllamaAdapter(config, timeout_s=self.settings.timeout_s)
            else:
                from server.providers.openai_compat import OpenAICompatAdapter

                adapter = OpenAICompatAdapter(config, timeout_s=self.settings.timeout_s)
            self._adapters[config.provider] = adapter
        return adapter

    async def _states(self) -> dict[str, ProviderState]:
        return await cooldown.load(self.store) if self.store is not None else {}

    async def _failed(self, config: AiConfig, err: ProviderError, previous: ProviderState | None, tier: str,
                      run_id: str | None, latency: float, skill: str | None) -> None:
        spec = next(s for s in self.settings.providers if s.name == config.provider)
        if spec.local and err.kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT):
            self.probes.forget(spec)  # ask again next time instead of trusting a stale "up"
        if self.store is None:
            return
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await usage.record(tx, ts=now.isoformat(timespec="seconds"), run_id=run_id, provider=config.provider,
                               model=config.model, tier=tier, latency_ms=latency, status="error",
                               error_kind=str(err.kind), skill=skill,
                               cost_usd=pricing.cost_usd(config.provider, config.model, 0, 0))
            state = await cooldown.record_failure(tx, previous, config.provider, kind=err.kind, message=err.message,
                                                  retry_after_s=err.retry_after_s, now=now, settings=self.settings)
        if state.cooling(now):
            log.warning("%s cools down until %s (%s)", config.provider, state.cooldown_until, err.kind)

    async def _succeeded(self, config: AiConfig, reply: ModelReply, previous: ProviderState | None, tier: str,
                         run_id: str | None, latency: float, skill: str | None) -> None:
        if self.store is None:
            return
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await usage.record(tx, ts=now.isoformat(timespec="seconds"), run_id=run_id, provider=config.provider,
                               model=config.model, tier=tier, prompt_tokens=reply.prompt_tokens,
                               completion_tokens=reply.completion_tokens, latency_ms=latency, status="ok",
                               skill=skill, cost_usd=pricing.cost_usd(config.provider, config.model,
                                                                      reply.prompt_tokens, reply.completion_tokens))
            await cooldown.record_success(tx, previous, config.provider, now)

    def _nothing_available(self, skipped: list[Attempt]) -> str:
        if not self.settings.providers:
            return f"no AI provider is configured: {HOW_TO_CONFIGURE}."
        why = "; ".join(f"{a.provider}: {a.message}" for a in skipped)
        return (f"no AI provider is available right now ({why}). Fix the cause and clear the cooldown with "
                f"`pilothouse providers --reset NAME`, or add another provider: {HOW_TO_CONFIGURE}.")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _variable(name: str) -> str:
    return {"openai": "pilothouse providers set openai --key-stdin, or set OPENAI_API_KEY",
            "gemini": "pilothouse providers set gemini --key-stdin, or set GEMINI_API_KEY",
            "ollama": "pilothouse providers set ollama --url http://127.0.0.1:11434, or set OLLAMA_HOST",
            "local": "pilothouse providers set local --url http://127.0.0.1:8080/v1, or set LOCAL_AI_BASE_URL"}[name]
