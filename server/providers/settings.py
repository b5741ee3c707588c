"""Which providers a process may use: the chain stored for the instance, overridden by the environment.

The chain is set once for every process (``pilothouse providers set``; server/providers/stored.py)
and read by each process that opens the database. The environment still works, alone or on top:
a variable that is set wins over the stored field it names, so one shell or one service can
point elsewhere without touching the instance. Chain order: the stored providers in their
order, then the ones only the environment configures, in the order openai -> gemini -> ollama
-> local. A skill's ``preferred_provider`` moves that provider to the front.

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from server import settings
from server.errors import ConfigError
from server.providers import secrets
from server.providers.stored import StoredProvider
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
# The variables of each provider, by the field they set; the first one listed puts the provider in
# the chain on its own (a key for the hosted ones, an endpoint for the local ones).
ENV: dict[str, dict[str, str]] = {
    "openai": {"key": "OPENAI_API_KEY", "url": "OPENAI_BASE_URL"},
    "gemini": {"key": "GEMINI_API_KEY", "url": "GEMINI_BASE_URL"},
    "ollama": {"url": "OLLAMA_HOST", "model": "OLLAMA_MODEL"},
    "local": {"url": "LOCAL_AI_BASE_URL", "model": "LOCAL_AI_MODEL", "key": "LOCAL_AI_API_KEY"},
}
DEFAULT_URLS = {"openai": OPENAI_URL, "gemini": GEMINI_URL}
NEEDS_KEY = frozenset({"openai", "gemini"})
# What to set, in the words of the error a person sees when nothing is configured.
HOW_TO_CONFIGURE = (
    "set one for every process of this instance with `pilothouse providers set` (e.g. `pilothouse providers set "
    "local --url http://127.0.0.1:8080/v1` for llama.cpp, `... set ollama --url http://127.0.0.1:11434 --model "
    "qwen3`, `... set openai --key-stdin`), or in this process's environment: OPENAI_API_KEY (OpenAI), "
    "GEMINI_API_KEY (Google Gemini), OLLAMA_HOST (+ OLLAMA_MODEL) for a local Ollama, or LOCAL_AI_BASE_URL "
    "(+ LOCAL_AI_MODEL) for any OpenAI-compatible local server"
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
    origin: str = "env"  # "env", "stored", or "stored; env: url, key" (what the environment overrode)
    key_ref: str | None = None  # where the key comes from, for people: "secret:openai", "env OPENAI_API_KEY"

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
    unusable: tuple[tuple[str, str], ...] = ()  # (provider, why): set, but not usable by this process

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AiSettings:
        """The environment's chain alone (a process that has no database, and tests)."""
        return cls.combine((), env, None)

    @classmethod
    def combine(cls, stored: Sequence[StoredProvider], env: Mapping[str, str] | None,
                secrets_path: Path | None) -> AiSettings:
        """The stored chain with the environment on top (server/providers/config.py loads both)."""
        env = settings.environment() if env is None else env
        process = settings.load(env)
        rows = {r.provider: r for r in sorted(stored, key=lambda r: r.position)}
        specs, unusable = [], []
        for name in [*rows, *(p for p in PROVIDERS if p not in rows)]:
            spec, problem = build(name, rows.get(name), env, secrets_path)
            if spec is not None:
                specs.append(spec)
            elif problem:
                unusable.append((name, problem))
        return cls(
            providers=tuple(specs), unusable=tuple(unusable),
            timeout_s=process.ai_timeout_s, probe_timeout_s=process.ai_probe_timeout_s,
            probe_ttl_s=process.ai_probe_ttl_s, cooldown_s=process.ai_cooldown_s,
            rate_limit_cooldown_s=process.ai_rate_limit_cooldown_s,
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


def build(name: str, stored: StoredProvider | None, env: Mapping[str, str],
          secrets_path: Path | None) -> tuple[ProviderSpec | None, str]:
    """One provider's spec from its stored row and the environment: (spec, ""), (None, why it cannot be
    used), or (None, "") when neither configures it."""
    names = ENV[name]
    overridden: list[str] = []

    def from_env(field_name: str) -> str | None:
        value = env.get(names[field_name]) if field_name in names else None
        if value:
            overridden.append(field_name)
        return value or None

    if stored is None and not env.get(next(iter(names.values()))):
        return None, ""
    url = from_env("url") or (stored.base_url if stored else None) or DEFAULT_URLS.get(name)
    if not url:
        return None, f"no endpoint; set one with: pilothouse providers set {name} --url URL"
    key, key_ref = from_env("key"), f"env {names['key']}" if "key" in names else None
    if key is None and stored is not None and stored.key_ref:
        key_ref = stored.key_ref
        key, problem = secrets.resolve(stored.key_ref, env, secrets_path or Path("secrets.json"))
        if key is None and name in NEEDS_KEY:
            return None, problem
    if key is None and name in NEEDS_KEY:
        return None, f"no key; set one with: pilothouse providers set {name} --key-stdin (or --key-env VARIABLE)"
    single = from_env("model")
    models: dict[str, str | None] = {}
    for tier in TIERS:
        tier_env = env.get(f"PILOTHOUSE_MODEL_{tier.upper()}_{name.upper()}")
        if tier_env:
            overridden.append(f"model_{tier}")
        stored_model = getattr(stored, f"model_{tier}") if stored is not None else None
        models[tier] = tier_env or single or stored_model or DEFAULT_MODELS.get(name, {}).get(tier)
    context = _context(env, name)
    if context:
        overridden.append("context")
    context = context or (stored.context_window if stored is not None else None)
    origin = "env" if stored is None else ("stored" + (f"; env: {', '.join(overridden)}" if overridden else ""))
    api: Literal["openai", "ollama"] = "ollama" if name == "ollama" else "openai"
    base_url = ollama_url(url) if name == "ollama" else (url.rstrip("/") if name == "local" else url)
    return ProviderSpec(name, api, base_url, key, models, context, origin, key_ref if key else None), ""


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

