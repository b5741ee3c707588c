"""Which providers this instance may use, read once from the environment (Pattern 6).

Chain order: openai -> gemini -> ollama -> local. A provider is in the chain when its
variable is set; a skill's ``preferred_provider`` moves that provider to the front.

    OPENAI_API_KEY      OpenAI                       OPENAI_BASE_URL overrides the endpoint
    GEMINI_API_KEY      Google Gemini (its OpenAI-compatible endpoint; GEMINI_BASE_URL overrides)
    OLLAMA_HOST         Ollama's native API          OLLAMA_MODEL (else the first model it lists)
    LOCAL_AI_BASE_URL   any OpenAI-compatible local server (vLLM, llama.cpp, LM Studio...)
                        LOCAL_AI_MODEL (else the first model it lists), LOCAL_AI_API_KEY if it wants one

Per-tier models: ``PILOTHOUSE_MODEL_<TIER>_<PROVIDER>``, e.g. PILOTHOUSE_MODEL_FAST_OPENAI,
PILOTHOUSE_MODEL_REASONING_GEMINI, PILOTHOUSE_MODEL_FAST_OLLAMA. Defaults: fast gpt-4.1-mini /
gemini-2.5-flash, reasoning gpt-4.1 / gemini-2.5-pro; local providers use their configured model
for both tiers.

Context window: ``PILOTHOUSE_CONTEXT_<PROVIDER>`` (tokens), e.g. PILOTHOUSE_CONTEXT_LOCAL=8192, when the
server does not say it (server/providers/window.py asks llama.cpp and Ollama, and knows hosted models).

Timing: PILOTHOUSE_AI_TIMEOUT_S (one model call, default 60), PILOTHOUSE_AI_PROBE_TIMEOUT_S (the
local reachability probe, default 1), PILOTHOUSE_AI_PROBE_TTL_S (how long a probe answer is
trusted, default 30), PILOTHOUSE_AI_COOLDOWN_S (auth, quota, billing: default 3600),
PILOTHOUSE_AI_RATE_LIMIT_COOLDOWN_S (a rate limit without Retry-After: default 60).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from server.errors import ConfigError
from server.providers.types import TIERS, Tier

PROVIDERS = ("openai", "gemini", "ollama", "local")
LABELS = {"openai": "OpenAI", "gemini": "Google Gemini", "ollama": "Ollama", "local": "local OpenAI-compatible"}
DEFAULT_MODELS: dict[str, Mapping[str, str | None]] = {
    "openai": {"fast": "gpt-4.1-mini", "reasoning": "gpt-4.1"},
    "gemini": {"fast": "gemini-2.5-flash", "reasoning": "gemini-2.5-pro"},
}
OPENAI_URL = "https://api.openai.com/v1"
GEMINI_URL = "https://generativelanguage.googleapis.com/v1beta/openai/"
OLLAMA_PORT = 11434
# What to set, in the words of the error a person sees when nothing is configured.
HOW_TO_CONFIGURE = (
    "set OPENAI_API_KEY (OpenAI), GEMINI_API_KEY (Google Gemini), OLLAMA_HOST (+ OLLAMA_MODEL) for a "
    "local Ollama, or LOCAL_AI_BASE_URL (+ LOCAL_AI_MODEL) for any OpenAI-compatible local server"
)


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    name: str
    api: Literal["openai", "ollama"]
    base_url: str
    api_key: str | None = field(repr=False)
    # tier -> model; None means "ask the endpoint" (a local server without a configured model).
    models: Mapping[str, str | None]
    context_window: int | None = None  # tokens; None: ask the server, else a table (window.py)

    @property
    def local(self) -> bool:
        return self.name in ("ollama", "local")

    @property
    def label(self) -> str:
        return LABELS[self.name]


@dataclass(frozen=True, slots=True)
class AiSettings:
    providers: tuple[ProviderSpec, ...]  # configured ones, in chain order
    timeout_s: float = 60.0
    probe_timeout_s: float = 1.0
    probe_ttl_s: float = 30.0
    cooldown_s: float = 3600.0
    rate_limit_cooldown_s: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AiSettings:
        env = os.environ if env is None else env
        specs = [s for s in (_openai(env), _gemini(env), _ollama(env), _local(env)) if s is not None]
        return cls(
            providers=tuple(specs),
            timeout_s=_seconds(env, "PILOTHOUSE_AI_TIMEOUT_S", 60.0),
            probe_timeout_s=_seconds(env, "PILOTHOUSE_AI_PROBE_TIMEOUT_S", 1.0),
            probe_ttl_s=_seconds(env, "PILOTHOUSE_AI_PROBE_TTL_S", 30.0),
            cooldown_s=_seconds(env, "PILOTHOUSE_AI_COOLDOWN_S", 3600.0),
            rate_limit_cooldown_s=_seconds(env, "PILOTHOUSE_AI_RATE_LIMIT_COOLDOWN_S", 60.0),
        )

    def ordered(self, preferred: str | None = None) -> list[ProviderSpec]:
        """The chain, with ``preferred`` first when it is configured (a skill's preference)."""
        if preferred is not None and preferred not in PROVIDERS:
            raise ConfigError(f"unknown AI provider {preferred!r}; known providers: {', '.join(PROVIDERS)}")
        chain = list(self.providers)
        chain.sort(key=lambda s: s.name != preferred)  # stable: the rest keep their order
        return chain


def check_tier(tier: str) -> Tier:
    if tier not in TIERS:
        raise ConfigError(f"unknown model tier {tier!r}; use 'fast' or 'reasoning'")
    return tier


def _models(env: Mapping[str, str], provider: str, default: Mapping[str, str | None]) -> dict[str, str | None]:
    return {t: env.get(f"PILOTHOUSE_MODEL_{t.upper()}_{provider.upper()}") or default[t] for t in TIERS}


def _openai(env: Mapping[str, str]) -> ProviderSpec | None:
    key = env.get("OPENAI_API_KEY")
    if not key:
        return None
    return ProviderSpec("openai", "openai", env.get("OPENAI_BASE_URL") or OPENAI_URL, key,
                        _models(env, "openai", DEFAULT_MODELS["openai"]), _context(env, "openai"))


def _gemini(env: Mapping[str, str]) -> ProviderSpec | None:
    key = env.get("GEMINI_API_KEY")
    if not key:
        return None
    return ProviderSpec("gemini", "openai", env.get("GEMINI_BASE_URL") or GEMINI_URL, key,
                        _models(env, "gemini", DEFAULT_MODELS["gemini"]), _context(env, "gemini"))


def _ollama(env: Mapping[str, str]) -> ProviderSpec | None:
    host = env.get("OLLAMA_HOST")
    if not host:
        return None
    model = env.get("OLLAMA_MODEL") or None
    return ProviderSpec("ollama", "ollama", ollama_url(host), None, _models(env, "ollama", dict.fromkeys(TIERS, model)),
                        _context(env, "ollama"))


def _local(env: Mapping[str, str]) -> ProviderSpec | None:
    url = env.get("LOCAL_AI_BASE_URL")
    if not url:
        return None
    model = env.get("LOCAL_AI_MODEL") or None
    return ProviderSpec("local", "openai", url.rstrip("/"), env.get("LOCAL_AI_API_KEY") or None,
                        _models(env, "local", dict.fromkeys(TIERS, model)), _context(env, "local"))


def ollama_url(host: str) -> str:
    """OLLAMA_HOST as Ollama reads it ("localhost", "0.0.0.0:11434", "http://box:8080") -> a URL."""
    text = host.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    hostname = parts.hostname or "127.0.0.1"
    if hostname == "0.0.0.0":  # a bind address, not somewhere to connect to
        hostname = "127.0.0.1"
    port = parts.port or OLLAMA_PORT
    return f"{parts.scheme}://{hostname}:{port}{parts.path.rstrip('/')}"


def _context(env: Mapping[str, str], provider: str) -> int | None:
    name = f"PILOTHOUSE_CONTEXT_{provider.upper()}"
    raw = env.get(name)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1024:
        raise ConfigError(f"{name}={raw!r}: give the model's context window in tokens, at least 1024 (e.g. 8192)")
    return int(raw)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive (got {raw})")
    return value
