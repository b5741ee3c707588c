"""Resolving a provider (Pattern 6): chain order, a skill's preferred provider, per-tier models, local probes."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from server.errors import ConfigError
from server.providers import AiSettings, NoProviderAvailable, ProbeCache, ProviderChain, resolve_ai_config
from server.providers.settings import ollama_url
from server.testing import FakeClock
from tests.agent.conftest import Fakes

pytestmark = pytest.mark.anyio


async def test_chain_order_is_openai_then_gemini_then_local(fakes: Fakes) -> None:
    assert (await resolve_ai_config(env=fakes.env())).model_id == "openai:gpt-4.1-mini"
    assert (await resolve_ai_config(env=fakes.env("gemini", "ollama"))).model_id == "gemini:gemini-2.5-flash"
    # Ollama without OLLAMA_MODEL uses the first model the server lists.
    assert (await resolve_ai_config(env=fakes.env("ollama"))).model_id == "ollama:llama3.2"
    settings = AiSettings.from_env(fakes.env() | {"LOCAL_AI_BASE_URL": fakes.openai.base_url})
    assert [s.name for s in settings.ordered()] == ["openai", "gemini", "ollama", "local"]


async def test_preferred_provider_moves_to_the_front(fakes: Fakes) -> None:
    config = await resolve_ai_config("fast", preferred_provider="gemini", env=fakes.env())
    assert config.model_id == "gemini:gemini-2.5-flash"
    assert config.base_url == fakes.gemini.base_url + "/"
    settings = AiSettings.from_env(fakes.env())
    assert [s.name for s in settings.ordered("ollama")] == ["ollama", "openai", "gemini"]
    # A preference for a provider that is not configured leaves the chain as it is.
    assert (await resolve_ai_config(preferred_provider="local", env=fakes.env())).provider == "openai"
    with pytest.raises(ConfigError, match="unknown AI provider 'claude'; known providers: openai, gemini"):
        await resolve_ai_config(preferred_provider="claude", env=fakes.env())


async def test_models_per_tier_have_the_seed_defaults_and_env_overrides() -> None:
    env = {"OPENAI_API_KEY": "k", "GEMINI_API_KEY": "g"}
    assert (await resolve_ai_config("reasoning", env=env)).model_id == "openai:gpt-4.1"
    assert (await resolve_ai_config("reasoning", "gemini", env=env)).model_id == "gemini:gemini-2.5-pro"
    assert (await resolve_ai_config("fast", "gemini", env=env)).model_id == "gemini:gemini-2.5-flash"
    env |= {"PILOTHOUSE_MODEL_REASONING_OPENAI": "o4-mini", "PILOTHOUSE_MODEL_FAST_GEMINI": "gemini-2.5-flash-lite"}
    assert (await resolve_ai_config("reasoning", env=env)).model_id == "openai:o4-mini"
    assert (await resolve_ai_config("fast", env=env)).model_id == "openai:gpt-4.1-mini"
    assert (await resolve_ai_config("fast", "gemini", env=env)).model_id == "gemini:gemini-2.5-flash-lite"
    # Gemini is reached through its OpenAI-compatible endpoint unless GEMINI_BASE_URL says otherwise.
    assert (await resolve_ai_config(preferred_provider="gemini", env=env)).base_url == \
        "https://generativelanguage.googleapis.com/v1beta/openai/"
    with pytest.raises(ConfigError, match="unknown model tier 'smart'"):
        await resolve_ai_config("smart", env=env)


async def test_local_model_comes_from_its_variable_for_both_tiers(fakes: Fakes) -> None:
    env = fakes.env("ollama") | {"OLLAMA_MODEL": "qwen3", "PILOTHOUSE_MODEL_REASONING_OLLAMA": "deepseek-r1"}
    assert (await resolve_ai_config("fast", env=env)).model_id == "ollama:qwen3"
    assert (await resolve_ai_config("reasoning", env=env)).model_id == "ollama:deepseek-r1"
    local = {"LOCAL_AI_BASE_URL": fakes.openai.base_url, "LOCAL_AI_MODEL": "my-vllm-model"}
    config = await resolve_ai_config(env=local)
    assert (config.model_id, config.api, config.base_url) == ("local:my-vllm-model", "openai", fakes.openai.base_url)


async def test_nothing_configured_names_the_variables_to_set() -> None:
    with pytest.raises(NoProviderAvailable) as err:
        await resolve_ai_config(env={})
    for variable in ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
        assert variable in str(err.value)


async def test_a_local_server_is_available_only_when_it_answers_and_the_probe_is_cached(fakes: Fakes) -> None:
    clock = FakeClock()
    probes = ProbeCache(timeout_s=0.5, ttl_s=30)
    chain = ProviderChain(None, clock, AiSettings.from_env(fakes.env("ollama")), probes=probes)
    for _ in range(3):
        assert (await chain.resolve()).provider == "ollama"
    assert fakes.ollama.listings == 1  # probed once, then trusted for the TTL

    down = AiSettings.from_env({"OLLAMA_HOST": "127.0.0.1:9"})  # nothing listens on port 9
    started = time.perf_counter()
    with pytest.raises(NoProviderAvailable, match=r"ollama: cannot reach http://127.0.0.1:9/api/tags"):
        await ProviderChain(None, clock, down, probes=ProbeCache(timeout_s=0.5)).resolve()
    assert time.perf_counter() - started < 2


def test_ollama_host_is_read_the_way_ollama_reads_it() -> None:
    assert ollama_url("localhost") == "http://localhost:11434"
    assert ollama_url("0.0.0.0:8080") == "http://127.0.0.1:8080"
    assert ollama_url("https://gpu-box:443/") == "https://gpu-box:443"


def test_importing_the_providers_and_the_cli_does_not_load_the_sdks() -> None:
    code = ("import sys, server.providers, server.cli.main, server.agent.loop; "
            "loaded = [m for m in ('openai', 'ollama') if m in sys.modules]; print(loaded)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
