"""The process's configuration, read in one place: every variable Pilothouse reads, declared once.

    ProcessSettings    the declaration: each variable with its type, default, what it does, secrets marked
    load(env=None)     the settings in force, typed and checked (``env``: a mapping instead of the process's)
    environment()      the raw variables, for the two families named by pattern below
    listing(env=None)  every setting with its value (secrets masked) and its source: ``pilothouse config``

Nothing else reads ``os.environ`` (tests/test_settings_owner.py fails on a read anywhere else). A
module's settings may name a variable too (``setting(env=...)``, skills/settings.py): it is read
here and listed with the module's settings. A command-line flag (``--db``, ``serve --port``...) wins
over its variable. Two families are named by pattern, not one by one:
``PILOTHOUSE_MODEL_<TIER>_<PROVIDER>`` (the model a provider uses for a tier, server/providers/settings.py)
and ``PILOTHOUSE_AI_PRICE_<MODEL>`` (a model's price per million tokens, server/providers/pricing.py).

Read with plain pydantic: pydantic-settings would add ~50 ms to every start for what these lines do.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from server.errors import ConfigError

PREFIX = "PILOTHOUSE_"
FAMILIES = {"PILOTHOUSE_MODEL_": "the model a provider uses for a tier (PILOTHOUSE_MODEL_<TIER>_<PROVIDER>)",
            "PILOTHOUSE_AI_PRICE_": "a model's price per million tokens, 'input,output' (PILOTHOUSE_AI_PRICE_<MODEL>)",
            "PILOTHOUSE_CONTEXT_": "a provider's context window in tokens (PILOTHOUSE_CONTEXT_<PROVIDER>)"}
MASK = "********"


def var(default: Any, description: str, *, name: str | None = None, secret: bool = False, **rules: Any) -> Any:
    """A field of ``ProcessSettings``: read from ``name`` (default ``PILOTHOUSE_<FIELD>``)."""
    extra: dict[str, Any] = {"secret": secret}
    if name is not None:
        extra["env"] = name
    return Field(default, description=description, json_schema_extra=extra, **rules)


class ProcessSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # where the data is
    db: str | None = var(None, "the database: a SQLite file or a postgresql:// URL (--db; default: the user "
                               "data directory)")
    retention_days: int = var(90, "days of activity, events and runs kept in full (0 keeps everything)", ge=0)
    # serving
    host: str = var("127.0.0.1", "address `serve --http` binds (--host); any other than loopback needs a token")
    port: int = var(8765, "port `serve --http` binds (--port)", ge=1, le=65535)
    token: str | None = var(None, "the bearer token HTTP clients send", secret=True)
    token_verifier: str | None = var(None, "package.module:factory of your own TokenVerifier (OAuth)")
    allowed_hosts: str = var("", "more Host names the HTTP server answers, comma-separated (--allowed-host)")
    allowed_origins: str = var("", "more browser origins allowed, comma-separated (--allowed-origin)")
    public_url: str | None = var(None, "the URL clients use behind a proxy, e.g. https://mcp.example.com/mcp")
    auth_issuer: str | None = var(None, "the OAuth authorization server named in the resource metadata")
    auth_scopes: str = var("", "scopes a token must carry, comma-separated")
    max_body_bytes: str = var("", "the largest HTTP request body taken in: bytes or K/M/G, e.g. 16M (default 4M)")
    forwarded_allow_ips: str | None = var(None, "proxies whose X-Forwarded-* headers are trusted (uvicorn's)",
                                          name="FORWARDED_ALLOW_IPS")
    # what a process offers
    read_only: bool = var(False, "offer only the skills that change nothing (serve --read-only)")
    modules: str | None = var(None, "offer only these modules' skills, comma-separated (serve --modules)")
    exclude_skills: str | None = var(None, "never offer these skills, comma-separated (serve --exclude-skills)")
    page_size: int | None = var(None, "tools per tools/list page (serve --page-size; default: one page)", ge=1)
    tier: str | None = var(None, "tools/list tier: full, compact, drop or auto (serve --tier; default auto)")
    cockpit_poll_ms: int = var(5000, "how often the cockpit page refreshes, in ms", ge=200)
    # health and the administrator
    baseline: str | None = var(None, "a baseline file health compares the skills with (pilothouse health)")
    admin_email: str | None = var(None, "where admin notifications are emailed")
    admin_webhook: str | None = var(None, "where admin notifications are POSTed")
    # model providers (the agent and ctx.ai)
    openai_api_key: str | None = var(None, "OpenAI's API key", name="OPENAI_API_KEY", secret=True)
    openai_base_url: str | None = var(None, "an OpenAI-compatible endpoint instead of OpenAI's", name="OPENAI_BASE_URL")
    gemini_api_key: str | None = var(None, "Google Gemini's API key", name="GEMINI_API_KEY", secret=True)
    gemini_base_url: str | None = var(None, "Gemini's OpenAI-compatible endpoint", name="GEMINI_BASE_URL")
    ollama_host: str | None = var(None, "a local Ollama server", name="OLLAMA_HOST")
    ollama_model: str | None = var(None, "the Ollama model for both tiers", name="OLLAMA_MODEL")
    local_ai_base_url: str | None = var(None, "another local OpenAI-compatible server", name="LOCAL_AI_BASE_URL")
    local_ai_model: str | None = var(None, "the local server's model", name="LOCAL_AI_MODEL")
    local_ai_api_key: str | None = var(None, "the local server's key, if it wants one", name="LOCAL_AI_API_KEY",
                                       secret=True)
    ai_timeout_s: float = var(60.0, "seconds one model call may take", gt=0)
    ai_probe_timeout_s: float = var(1.0, "seconds the local reachability probe waits", gt=0)
    ai_probe_ttl_s: float = var(30.0, "seconds a probe's answer is trusted", gt=0)
    ai_cooldown_s: float = var(3600.0, "seconds a provider rests after an auth, quota or billing failure", gt=0)
    ai_rate_limit_cooldown_s: float = var(60.0, "seconds a provider rests after a rate limit without Retry-After",
                                          gt=0)


@dataclass(frozen=True, slots=True)
class Listed:
    """One setting as ``pilothouse config`` shows it."""

    name: str  # the variable
    value: Any  # MASK for a secret that is set
    source: str  # env | default
    description: str


def variable(field: str) -> str:
    extra = ProcessSettings.model_fields[field].json_schema_extra
    named = extra.get("env") if isinstance(extra, dict) else None
    return named if isinstance(named, str) else PREFIX + field.upper()


def _secret(field: str) -> bool:
    extra = ProcessSettings.model_fields[field].json_schema_extra
    return bool(extra.get("secret")) if isinstance(extra, dict) else False


def environment() -> Mapping[str, str]:
    """The process's variables (the one read of ``os.environ``)."""
    return os.environ


def load(env: Mapping[str, str] | None = None) -> ProcessSettings:
    """The settings in force; raises ``ConfigError`` naming each variable that is set wrong and why."""
    env = environment() if env is None else env
    given = {field: env[variable(field)] for field in ProcessSettings.model_fields
             if env.get(variable(field), "").strip() != ""}
    try:
        return ProcessSettings.model_validate({k: v.strip() for k, v in given.items()})
    except ValidationError as exc:
        wrong = [f"{variable(str(e['loc'][0]))}={'(secret)' if _secret(str(e['loc'][0])) else repr(e['input'])}: "
                 f"{e['msg']}" for e in exc.errors() if e["loc"]]
        raise ConfigError("; ".join(wrong) + " (pilothouse config lists every setting)") from None


def values(names: Iterable[str], env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of ``names`` that are set (a module's ``setting(env=...)``, a family's members)."""
    env = environment() if env is None else env
    return {name: env[name] for name in names if env.get(name, "") != ""}


def family(prefix: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every set variable of a family (``PILOTHOUSE_MODEL_``, ``PILOTHOUSE_AI_PRICE_``), by name."""
    env = environment() if env is None else env
    return {name: value for name, value in env.items() if name.startswith(prefix) and value != ""}


def listing(env: Mapping[str, str] | None = None) -> list[Listed]:
    """Every process setting: declared ones with their value in force, then the families' set members."""
    env = environment() if env is None else env
    current = load(env)
    shown = []
    for field, info in ProcessSettings.model_fields.items():
        name, value = variable(field), getattr(current, field)
        if _secret(field) and value not in (None, ""):
            value = MASK
        source = "env" if env.get(name, "").strip() != "" else "default"
        shown.append(Listed(name, value, source, info.description or ""))
    for prefix, description in FAMILIES.items():
        shown += [Listed(name, value, "env", description) for name, value in sorted(family(prefix, env).items())]
    return shown
