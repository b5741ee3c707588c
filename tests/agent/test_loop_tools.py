"""What the loop sends: the tools a run is about, within 4,000 tokens, and a tier from the whole request."""

from __future__ import annotations

from typing import Any

import pytest

from server import manifest
from server.agent.bootstrap import enable_agent
from server.agent.loop import run_loop
from server.app import App
from server.manifest.focus import called_skills, focus_query
from server.providers import ProviderChain
from server.testing.fake_model import Call, Reply
from server.tokens import get_counter
from tests.agent.conftest import SYSTEM, Fakes

pytestmark = pytest.mark.anyio



def names(tools: list[dict[str, object]]) -> list[str]:
    return [t["function"]["name"] for t in tools]  # type: ignore[index]


async def test_each_request_carries_the_relevant_skills_within_4000_tokens(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    await enable_agent(app)  # the whole built-in catalog: ~22,000 tokens of definitions if all were sent
    counter = await get_counter()
    fakes.openai.script(
        Reply(tool_calls=[Call("invoicing_ar_aging", {})]),
        # Not among the tools sent, yet reachable through execute_skill, with the executor's checks.
        Reply(tool_calls=[Call("execute_skill", {"name": "calendar_list_events",
                                                 "arguments": {"date_from": "2026-01-01"}})]),
        Reply("Nobody is late; the calendar is clear."),
    )
    record = await run_loop(app, system_prompt=SYSTEM, providers=chain,
                            user_message="who still owes us money and how late are they")
    assert record.stop_reason == "answer", record.error
    for request in fakes.openai.requests:
        sent = names(request.tools)
        assert sent[:4] == list(manifest.META_TOOLS) and "invoicing_ar_aging" in sent
        assert counter.count_json(request.tools) <= manifest.TOOL_TOKEN_CAP
    assert "calendar_list_events" not in names(fakes.openai.requests[1].tools)
    assert [(c.skill, c.ok) for c in record.tool_calls] == [("invoicing_ar_aging", True),
                                                            ("execute_skill", True)]
    # The record says what was sent, measured the same way.
    assert record.iterations[0].tool_tokens == counter.count_json(fakes.openai.requests[0].tools)


async def test_the_tier_follows_the_whole_request_not_only_the_conversation(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    await enable_agent(app)
    fakes.openai.script(Reply("Done."))
    probe = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "list the open support tickets"}]
    counter = await get_counter()
    conversation = counter.count_messages(probe)
    full_tools = counter.count_json(await manifest.loop_tools(app, "full", probe))
    # A budget the conversation alone stays far under (full), but that the full tools push past 50 %.
    budget = 2 * (conversation + full_tools) - 200
    assert manifest.resolve_tier(conversation, budget) == "full"
    record = await run_loop(app, system_prompt=SYSTEM, user_message="list the open support tickets",
                            providers=chain, token_budget=budget)
    assert record.tiers == ["compact"]
    sent = fakes.openai.requests[0].tools
    assert record.request_tokens == [conversation + counter.count_json(sent)]
    assert manifest.resolve_tier(record.request_tokens[0], budget) != "drop"
    assert "support_list_tickets" in names(sent)


def test_focus_reads_the_request_and_the_calls_so_far() -> None:
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "rules"},
        {"role": "user", "content": "chase the unpaid bills"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "1", "type": "function", "function": {"name": "invoicing_list", "arguments": "{}"}},
            {"id": "2", "type": "function", "function": {
                "name": "execute_skill", "arguments": '{"name": "email_send", "arguments": {}}'}}]},
        {"role": "tool", "tool_call_id": "1", "content": "[]"},
        {"role": "assistant", "content": "I will send reminders."},
    ]
    assert focus_query(messages) == "chase the unpaid bills\nI will send reminders."
    assert called_skills(messages) == ["email_send", "invoicing_list"]


async def test_skills_already_called_stay_listed_and_vague_requests_get_the_usage_ranking(app: App) -> None:
    await enable_agent(app)
    vague: list[dict[str, Any]] = [{"role": "user", "content": "zzyzx"}]
    fallback = names(await manifest.loop_tools(app, "full", vague))[4:]
    assert fallback  # nothing matched: the instance's most useful skills, not an empty list
    called: list[dict[str, Any]] = [*vague, {"role": "assistant", "content": None, "tool_calls": [
        {"id": "1", "type": "function", "function": {"name": "webinars_cancel", "arguments": "{}"}}]}]
    assert "webinars_cancel" in names(await manifest.loop_tools(app, "full", called))
    drop = await manifest.loop_tools(app, "drop", called)
    assert (await get_counter()).count_json(drop) <= manifest.DROP_TOKEN_CAP
