"""AI-task skills: a model call from a skill (ctx.ai) through the provider chain, the skill's provider first."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import pytest

from server.app import App
from server.providers.skill_ai import ChainAi
from server.testing import McpHarness
from server.testing.fake_model import FakeModelServer, Fault, Reply
from skills import SkillFailed, definition_of, skill
from tests.server.test_meta_tools import Out

pytestmark = pytest.mark.anyio

PROVIDER_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL",
                      "OLLAMA_MODEL", "LOCAL_AI_MODEL")


@pytest.fixture
def no_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROVIDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def models(monkeypatch: pytest.MonkeyPatch, no_providers: None) -> AsyncIterator[dict[str, FakeModelServer]]:
    """An OpenAI and a local Ollama, both scripted, on 127.0.0.1; OpenAI comes first in the chain."""
    servers = {"openai": FakeModelServer("openai", models=("gpt-4.1-mini", "gpt-4.1")),
               "ollama": FakeModelServer("ollama", models=("llama3.2",))}
    for server in servers.values():
        await anyio.to_thread.run_sync(server.start)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", servers["openai"].base_url)
    monkeypatch.setenv("OLLAMA_HOST", servers["ollama"].url)
    monkeypatch.setenv("PILOTHOUSE_AI_TIMEOUT_S", "5")
    try:
        yield servers
    finally:
        for server in servers.values():
            server.request_stop()
        for server in servers.values():
            await anyio.to_thread.run_sync(server.stop)


async def usage(app: App) -> list[tuple[str | None, str, str, int, int, float | None]]:
    rows = await app.store.fetchall("SELECT skill, provider, status, prompt_tokens, completion_tokens, cost_usd "
                                    "FROM ai_usage ORDER BY id")
    return [(r["skill"], r["provider"], r["status"], r["prompt_tokens"], r["completion_tokens"], r["cost_usd"])
            for r in rows]


async def ticket(mcp: McpHarness) -> int:
    opened = await mcp.call("support_open_ticket", subject="Parcel arrived broken", customer_email="ann@example.com",
                            body="My mug arrived in pieces. Can you send a new one?", priority="high")
    return int(opened["id"])


async def test_without_a_provider_the_skills_refuse_and_say_what_to_set(app: App, mcp: McpHarness,
                                                                         no_providers: None) -> None:
    await app.modules.enable("assistant")
    message = await mcp.error("assistant_summarize_week")
    assert "needs an AI model and no AI provider is configured" in message and "OPENAI_API_KEY" in message
    assert "OLLAMA_HOST" in await mcp.error("assistant_suggest_reply", ticket_id=await ticket(mcp))
    assert await usage(app) == []


async def test_each_skill_goes_through_the_chain_with_its_own_provider_first(
    app: App, mcp: McpHarness, models: dict[str, FakeModelServer]
) -> None:
    await app.modules.enable("assistant")
    models["ollama"].script(Reply("Sorry about the mug, Ann! A new one ships today.", usage=(120, 14)))
    models["openai"].script(Reply("A quiet week: one high-priority ticket came in.", usage=(90, 11)))

    suggestion = await mcp.call("assistant_suggest_reply", ticket_id=await ticket(mcp))
    summary = await mcp.call("assistant_summarize_week")

    # Customer data: the ticket went to the local model although OpenAI is first in the chain.
    assert (suggestion["provider"], suggestion["model"]) == ("ollama", "llama3.2")
    assert suggestion["suggestion"].startswith("Sorry about the mug")
    assert "My mug arrived in pieces" in models["ollama"].requests[0].messages[-1]["content"]
    # No preference: the chain's order.
    assert (summary["provider"], summary["model"]) == ("openai", "gpt-4.1-mini")
    assert "ticket.opened" in models["openai"].requests[0].messages[-1]["content"]
    assert (await mcp.call("support_list_tickets"))["items"][0]["replies"] == 0  # a suggestion sends nothing
    # Tokens and cost recorded per skill: the local model is free, gpt-4.1-mini at its list price.
    assert await usage(app) == [
        ("assistant_suggest_reply", "ollama", "ok", 120, 14, 0.0),
        ("assistant_summarize_week", "openai", "ok", 90, 11, pytest.approx((90 * 0.40 + 11 * 1.60) / 1e6)),
    ]


async def test_a_failing_preferred_provider_fails_over_to_the_chain(
    app: App, mcp: McpHarness, models: dict[str, FakeModelServer]
) -> None:
    await app.modules.enable("assistant")
    models["ollama"].script(Fault.server_error())
    models["openai"].script(Reply("We are sending a replacement.", usage=(100, 6)))
    suggestion = await mcp.call("assistant_suggest_reply", ticket_id=await ticket(mcp))
    assert suggestion["provider"] == "openai"
    assert [(skill, provider, status) for skill, provider, status, *_ in await usage(app)] == [
        ("assistant_suggest_reply", "ollama", "error"), ("assistant_suggest_reply", "openai", "ok")]


async def test_a_blog_draft_from_notes_is_saved_unpublished(
    app: App, mcp: McpHarness, models: dict[str, FakeModelServer]
) -> None:
    await app.modules.enable("assistant")
    models["openai"].script(Reply("Spring colours are here\n\nOur new mugs come in five colours.", usage=(80, 20)))
    draft = await mcp.call("assistant_draft_blog_post", notes="- new mugs\n- five colours\n- in shops Monday")
    assert (draft["title"], draft["status"]) == ("Spring colours are here", "draft")
    assert draft["body"] == "Our new mugs come in five colours."
    assert models["openai"].requests[0].model == "gpt-4.1"  # the reasoning tier
    posts = await mcp.call("blog_list_posts", status="draft")
    assert [p["id"] for p in posts["items"]] == [draft["post_id"]]


async def test_a_transactional_skill_may_not_call_a_model(app: App) -> None:
    async def handler(ctx: object) -> Out:
        return Out(ok=True)

    handler.__doc__ = "Hold the lock."
    held = definition_of(skill(name="lock_holder", title="Holder", category="system", instructions="Holds it.")(
        handler))
    with pytest.raises(SkillFailed, match="transactional=False"):
        await ChainAi(app.store, app.clock, held, None).complete("hello")
