"""Failover within one call, cooldowns kept in provider_state, and one ai_usage row per model call."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from server.app import App
from server.providers import AiSettings, AllProvidersFailed, NoProviderAvailable, ProviderChain
from server.testing import FakeClock
from server.testing.fake_model import Call, Delay, Fault, Malformed, Reply
from tests.agent.conftest import Fakes

pytestmark = pytest.mark.anyio

HELLO = [{"role": "user", "content": "hello"}]
ChainFactory = Callable[..., ProviderChain]


@pytest.fixture
async def make_chain(app: App, fakes: Fakes) -> AsyncIterator[ChainFactory]:
    chains: list[ProviderChain] = []

    def make(*names: str, timeout_s: float = 2.0) -> ProviderChain:
        chain = ProviderChain.for_app(app, AiSettings.from_env(fakes.env(*names, timeout_s=timeout_s)))
        chains.append(chain)
        return chain

    yield make
    for chain in chains:
        await chain.aclose()


async def usage_rows(app: App) -> list[tuple[Any, ...]]:
    rows = await app.store.fetchall("SELECT provider, model, tier, status, error_kind, prompt_tokens, "
                                    "completion_tokens, run_id FROM ai_usage ORDER BY id")
    return [tuple(r.values()) for r in rows]


async def state(app: App, provider: str) -> dict[str, Any]:
    row = await app.store.fetchone("SELECT * FROM provider_state WHERE provider = ?", (provider,))
    assert row is not None
    return row


async def test_openai_500_fails_over_to_gemini_within_the_same_call(
    app: App, fakes: Fakes, make_chain: ChainFactory
) -> None:
    fakes.openai.script(Fault.server_error())
    fakes.gemini.script(Reply("Hello from Gemini", usage=(42, 7)))
    result = await make_chain("openai", "gemini").complete(HELLO, [], tier="reasoning", run_id="run-1")
    assert result.model_id == "gemini:gemini-2.5-pro" and result.reply.content == "Hello from Gemini"
    assert [(a.provider, a.status, a.error_kind) for a in result.attempts] == [
        ("openai", "error", "http_5xx"), ("gemini", "ok", None)]
    assert await usage_rows(app) == [
        ("openai", "gpt-4.1", "reasoning", "error", "http_5xx", 0, 0, "run-1"),
        ("gemini", "gemini-2.5-pro", "reasoning", "ok", None, 42, 7, "run-1"),
    ]
    # One 5xx is not a reason to stop asking OpenAI.
    fakes.openai.script(Reply("OpenAI is back"))
    assert (await make_chain("openai", "gemini").complete(HELLO, [])).provider == "openai"


async def test_after_a_401_later_calls_skip_the_provider_until_the_cooldown_ends(
    app: App, clock: FakeClock, fakes: Fakes, make_chain: ChainFactory
) -> None:
    chain = make_chain("openai", "gemini")
    fakes.openai.script(Fault.unauthorized())
    fakes.gemini.script(Reply("one"), Reply("two"))
    assert (await chain.complete(HELLO, [])).provider == "gemini"
    cooled = await state(app, "openai")
    assert cooled["cooldown_until"] == "2026-11-02T10:00:00+00:00" and cooled["reason"].startswith("auth_failed")

    result = await chain.complete(HELLO, [])
    assert result.reply.content == "two" and len(fakes.openai.requests) == 1  # not asked again
    assert result.attempts[0].status == "skipped" and "cooling down until" in result.attempts[0].message

    clock.advance(hours=1, seconds=1)
    fakes.openai.script(Reply("key fixed"))
    assert (await chain.complete(HELLO, [])).reply.content == "key fixed"
    assert len(fakes.openai.requests) == 2
    cleared = await state(app, "openai")
    assert (cleared["cooldown_until"], cleared["failures"]) == (None, 0)


async def test_insufficient_quota_is_never_retried_and_cools_down_long(
    app: App, fakes: Fakes, make_chain: ChainFactory
) -> None:
    fakes.openai.script(Fault.insufficient_quota(), Reply("must not be reached"))
    fakes.gemini.script(Reply("gemini answers"), Reply("gemini again"))
    chain = make_chain("openai", "gemini")
    result = await chain.complete(HELLO, [])
    assert result.attempts[0].error_kind == "quota_hit" and result.provider == "gemini"
    assert (await chain.complete(HELLO, [])).provider == "gemini"
    assert len(fakes.openai.requests) == 1
    assert (await state(app, "openai"))["cooldown_until"] == "2026-11-02T10:00:00+00:00"


async def test_rate_limits_cool_down_for_retry_after_or_a_minute(
    app: App, fakes: Fakes, make_chain: ChainFactory
) -> None:
    fakes.openai.script(Fault.rate_limited(retry_after=7))
    fakes.gemini.script(Reply("ok"), Reply("ok"))
    chain = make_chain("openai", "gemini")
    assert (await chain.complete(HELLO, [])).attempts[0].error_kind == "rate_limited"
    assert (await state(app, "openai"))["cooldown_until"] == "2026-11-02T09:00:07+00:00"
    await app.store.execute("DELETE FROM provider_state")
    fakes.openai.script(Fault.rate_limited())
    await chain.complete(HELLO, [])
    assert (await state(app, "openai"))["cooldown_until"] == "2026-11-02T09:01:00+00:00"


async def test_timeouts_and_malformed_bodies_fail_over_and_repeated_ones_cool_down(
    app: App, fakes: Fakes, make_chain: ChainFactory
) -> None:
    fakes.openai.script(Delay(5), Malformed(), Delay(5))
    fakes.gemini.script(*[Reply("fallback")] * 3)
    chain = make_chain("openai", "gemini", timeout_s=0.2)
    kinds = [(await chain.complete(HELLO, [])).attempts[0].error_kind for _ in range(3)]
    assert kinds == ["timeout", "http_5xx", "timeout"]
    # Two transient failures are free; the third in a row cools the provider for a minute.
    after = await state(app, "openai")
    assert (after["failures"], after["cooldown_until"]) == (3, "2026-11-02T09:01:00+00:00")


async def test_every_provider_failing_reports_each_attempt(app: App, fakes: Fakes, make_chain: ChainFactory) -> None:
    fakes.openai.script(Fault.server_error(503))
    fakes.gemini.script(Fault.forbidden())
    fakes.ollama.script(Fault.server_error())
    with pytest.raises(AllProvidersFailed) as err:
        await make_chain().complete(HELLO, [])
    assert [(a.provider, a.error_kind) for a in err.value.attempts] == [
        ("openai", "http_5xx"), ("gemini", "http_403"), ("ollama", "http_5xx")]
    assert "pilothouse providers" in str(err.value)
    assert len(await usage_rows(app)) == 3
    # Gemini's 403 cooled it down; the others stay in the chain.
    with pytest.raises(NoProviderAvailable, match="gemini: cooling down"):
        await make_chain("gemini").complete(HELLO, [])


async def test_ollama_native_api_carries_tool_calls_both_ways(app: App, fakes: Fakes, make_chain: ChainFactory) -> None:
    fakes.ollama.script(Reply(tool_calls=[Call("crm_list_leads", {"limit": 2})], usage=(30, 5)))
    chain = make_chain("ollama")
    first = await chain.complete(HELLO, [{"type": "function", "function": {
        "name": "crm_list_leads", "description": "List leads.", "parameters": {"type": "object", "properties": {}}}}])
    call = first.reply.tool_calls[0]
    assert (first.model_id, call.name, call.arguments) == ("ollama:llama3.2", "crm_list_leads", {"limit": 2})
    assert (first.reply.prompt_tokens, first.reply.completion_tokens) == (30, 5)
    assert fakes.ollama.requests[0].tool_names == ["crm_list_leads"]

    fakes.ollama.script(Reply("There are 2 leads."))
    conversation: list[dict[str, Any]] = [
        *HELLO,
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.raw_arguments}}]},
        {"role": "tool", "tool_call_id": call.id, "content": '{"total": 2}'}]
    assert (await chain.complete(conversation, [])).reply.content == "There are 2 leads."
    sent = fakes.ollama.requests[1].messages
    assert sent[1]["tool_calls"][0]["function"]["arguments"] == {"limit": 2}  # an object, as Ollama expects
    assert sent[2] == {"role": "tool", "content": '{"total": 2}', "tool_name": "crm_list_leads"}


async def test_the_api_key_and_model_reach_the_provider(fakes: Fakes, make_chain: ChainFactory) -> None:
    fakes.openai.script(Reply("hi"))
    await make_chain("openai").complete(HELLO, [], tier="reasoning")
    request = fakes.openai.requests[0]
    assert request.headers["authorization"] == "Bearer sk-test-openai" and request.model == "gpt-4.1"
