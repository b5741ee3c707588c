"""Where a model's context window comes from: each server's own answer, a setting, a table, an assumption."""

from __future__ import annotations

import json

import pytest

from server.providers.settings import ProviderSpec
from server.providers.window import ASSUMED_HOSTED, ASSUMED_LOCAL, OLLAMA_CONTEXT, WindowCache, reply_tokens
from server.testing import http_receiver

pytestmark = pytest.mark.anyio


def spec(name: str, url: str, context: int | None = None) -> ProviderSpec:
    return ProviderSpec(name, "ollama" if name == "ollama" else "openai", url, None, {"fast": "m", "reasoning": "m"},
                        context)


@pytest.mark.parametrize(("listing", "expected"), [
    ({"data": [{"id": "other", "meta": {"n_ctx": 2048}}, {"id": "m", "meta": {"n_ctx": 4096}}]},
     (4096, "llama.cpp /v1/models")),
    ({"data": [{"id": "m", "max_model_len": 32768}]}, (32768, "vLLM /v1/models")),
    ({"data": [{"id": "m"}]}, (ASSUMED_LOCAL, "assumed")),  # a server that says nothing: small and safe
])
async def test_an_openai_compatible_server_is_asked_props_then_its_model_list(
    listing: dict[str, object], expected: tuple[int, str]
) -> None:
    async with http_receiver() as server:
        server.answers = [404]  # no /props: not llama.cpp, or an old one
        server.reply = json.dumps(listing)
        window = await WindowCache().get(spec("local", f"{server.url}/v1"), "m")
        assert (window.tokens, window.source) == expected
        assert [r.path for r in server.requests] == ["/props", "/v1/models"]


async def test_ollama_says_its_modelfile_num_ctx_or_the_models_length_capped() -> None:
    async with http_receiver() as server:
        server.reply = json.dumps({"parameters": "stop \"<|im_end|>\"\nnum_ctx 16384", "model_info": {}})
        assert (await WindowCache().get(spec("ollama", server.url), "m")).tokens == 16384
        server.reply = json.dumps({"parameters": "", "model_info": {"qwen3.context_length": 40960}})
        window = await WindowCache().get(spec("ollama", server.url), "m")
        assert (window.tokens, window.source) == (OLLAMA_CONTEXT, "Ollama /api/show")
        assert json.loads(server.requests[-1].body) == {"model": "m"}


async def test_a_setting_wins_hosted_models_come_from_the_table_and_answers_are_kept() -> None:
    async with http_receiver() as server:
        cache = WindowCache()
        assert (await cache.get(spec("local", f"{server.url}/v1", context=65536), "m")).source == "setting"
        assert server.requests == []  # a setting is not checked against the server
        openai = spec("openai", "https://api.openai.com/v1")
        assert (await cache.get(openai, "gpt-4.1-mini")).tokens == 1_047_576
        assert (await cache.get(openai, "ft:some-fine-tune")).tokens == ASSUMED_HOSTED
        server.answers = [404]
        server.reply = json.dumps({"data": [{"id": "m", "meta": {"n_ctx": 4096}}]})
        for _ in range(3):
            await cache.get(spec("local", f"{server.url}/v1"), "m")
        assert len(server.requests) == 2  # asked once, then trusted for the cache's time


def test_the_reply_length_fits_the_tier_and_the_window() -> None:
    assert reply_tokens("fast", 8192) == 512 and reply_tokens("reasoning", 8192) == 512
    assert reply_tokens("fast", 128_000) == 1024 and reply_tokens("reasoning", 128_000) == 4096
    assert reply_tokens("fast", 2048) == 256  # never less than a tool call needs
