"""The budget is the model's: its context window sets the tier, the reply length, the prompt and the cache.

Each scripted server reports its window where its real counterpart does (llama.cpp's /props and
/v1/models, Ollama's /api/show); hosted models come from the known table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.agent.ask import ask
from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.app import App
from server.testing import FakeClock
from server.testing.fake_model import Call, FakeModelServer, Reply
from server.tokens import get_counter

pytestmark = pytest.mark.anyio

PROVIDER_VARIABLES = ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL", "LOCAL_AI_MODEL")


@pytest.fixture
async def small(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeModelServer]:
    """A local OpenAI-compatible server (llama.cpp's shape) with an 8k window, the instance's only provider."""
    async with FakeModelServer("local", models=("smollm2-135m",), context_window=8192) as fake:
        for name in PROVIDER_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LOCAL_AI_BASE_URL", fake.base_url)
        yield fake


@pytest.fixture
async def hosted(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer("openai", models=("gpt-4o",)) as fake:
        fake.as_only_openai(monkeypatch)
        monkeypatch.setenv("PILOTHOUSE_MODEL_FAST_OPENAI", "gpt-4o")  # 128k in the known table
        yield fake


async def test_a_small_local_model_gets_the_drop_tier_a_lean_prompt_and_a_short_reply(
    app: App, small: FakeModelServer
) -> None:
    await enable_agent(app)
    small.script(Reply(tool_calls=[Call("crm_list_leads", {"status": "new"})]), Reply("No new lead."))
    record = await ask(app, "Which leads are new?")

    assert record.stop_reason == "answer", record.error
    assert record.tiers == ["drop", "drop"] and {i.window for i in record.iterations} == {8192}
    counter = await get_counter()
    for request in small.requests:
        assert counter.count_json(request.tools) <= 1_500
        assert request.body["max_tokens"] <= 512
        assert "crm_list_leads" in request.tool_names
    system = small.requests[0].messages[0]["content"]
    assert counter.count(system) < 400 and "# Soul" not in system  # the lean prompt
    # Everything sent fits the window with the reply's room, by the server's own count.
    assert all(i.prompt_tokens + i.max_tokens <= 8192 for i in record.iterations)


async def test_a_128k_hosted_model_keeps_the_full_tier_and_prompt(app: App, hosted: FakeModelServer) -> None:
    await enable_agent(app)
    hosted.script(Reply("Nothing is new."))
    record = await ask(app, "Anything new in the CRM?")
    assert record.tiers == ["full"] and record.iterations[0].window == 128_000
    assert "How to work" in hosted.requests[0].messages[0]["content"]  # prompts/ask.md, not the lean one
    assert hosted.requests[0].body["max_tokens"] == 1_024


async def test_the_window_comes_from_each_server_and_a_setting_wins(
    app: App, small: FakeModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await enable_agent(app)
    monkeypatch.setenv("PILOTHOUSE_CONTEXT_LOCAL", "65536")  # a setting beats what the server says (8192)
    small.script(Reply("Fine."))
    record = await ask(app, "Anything new?")
    assert record.iterations[0].window == 65_536 and record.tiers == ["full"]
    async with FakeModelServer("ollama", models=("qwen3",), context_window=40_960) as ollama:
        monkeypatch.delenv("LOCAL_AI_BASE_URL")
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        ollama.script(Reply("Fine."))
        record = await ask(app, "Anything new?")
    # Ollama's model allows 40k; we ask it for 8k (num_ctx), which makes it a small model here.
    assert record.iterations[0].window == 8192 and ollama.requests[0].body["options"]["num_ctx"] == 8192


async def test_a_heartbeat_on_a_small_model_fits_its_context_in_the_window(
    app: App, clock: FakeClock, small: FakeModelServer
) -> None:
    await enable_agent(app)
    for i in range(8):
        await app.executor.call("pilot_create_objective", {
            "goal": f"Objective {i}: " + "grow the business " * 20, "success_criteria": "x " * 100,
            "priority": 1}, caller="cli")
    small.script(Reply("NO_REPLY"))
    record = await run_cycle(app, requested_by="cli")
    assert record.status == "ok", record.reason
    sent = small.requests[0]
    counter = await get_counter()
    assert counter.count_messages(sent.messages) + counter.count_json(sent.tools) + 512 <= 8192
    assert "# Soul" not in sent.messages[0]["content"]  # the lean prompt
    assert record.context_chars <= 8192  # a quarter of the window, at ~4 characters a token


async def test_what_changes_every_call_comes_after_what_does_not(
    app: App, clock: FakeClock, hosted: FakeModelServer
) -> None:
    await enable_agent(app)
    hosted.script(Reply(tool_calls=[Call("crm_list_leads", {"limit": 3})]),
                  Reply(tool_calls=[Call("crm_list_leads", {"limit": 4})]), Reply("Done."))
    await ask(app, "How many leads are there?")
    clock.advance(minutes=7)
    hosted.script(Reply("Done."))
    await ask(app, "How many leads are there?")
    first, second, third, later = hosted.requests
    # Within a run the tools stay the same, call after call, so the server's prefix cache holds.
    assert first.tools == second.tools == third.tools
    # Across runs the system prompt is the same text: the time is in the request, after it.
    assert first.messages[0] == later.messages[0] and "2026" not in first.messages[0]["content"]
    assert "09:07" in later.messages[1]["content"] and "09:00" in first.messages[1]["content"]

    async def beat() -> list[dict[str, str]]:
        hosted.script(Reply("NO_REPLY"))
        cycle = await run_cycle(app, requested_by="cli")
        assert cycle.status == "ok", cycle.reason
        return hosted.requests[-1].messages

    created = await app.executor.call("pilot_create_objective", {
        "goal": "Publish 3 blog posts", "success_criteria": "3 posts published", "priority": 1}, caller="cli")
    assert created.ok, created.message
    one = await beat()
    clock.advance(minutes=30)
    two = await beat()
    assert one[0] == two[0] and hosted.requests[-1].tools == hosted.requests[-2].tools
    # The heartbeat's protocol comes before its time and its changing sections.
    protocol = one[1]["content"].split("Now:")[0]
    assert len(protocol) > 200 and two[1]["content"].startswith(protocol)
