"""The loop repairs instead of dying: what real providers and small local models do, answered.

The scripted model is strict (server/testing/model_shapes.py): it refuses a conversation the way
llama.cpp, llama-cpp-python, Ollama or OpenAI would, so a shape only one of them accepts fails here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.agent.loop import run_loop
from server.app import App
from server.providers import AiSettings, ProviderChain
from server.testing.fake_model import Call, Reply
from tests.agent.conftest import SYSTEM, Fakes

pytestmark = pytest.mark.anyio



async def pilot_calls(app: App, run_id: str) -> list[tuple[str, str]]:
    rows = await app.store.fetchall(
        "SELECT skill, status FROM activity WHERE run_id = ? AND caller = 'pilot' ORDER BY id", (run_id,))
    return [(r["skill"], r["status"]) for r in rows]


def assistant_turns(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["role"] == "assistant"]


async def test_broken_arguments_get_what_was_wrong_and_the_schema_and_the_run_goes_on(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    fakes.openai.script(
        Reply(tool_calls=[Call("crm_list_leads", '{"status": "new", "limit": 5')]),  # cut off mid-object
        Reply(tool_calls=[Call("crm_list_leads", {"status": "new", "limit": 5})]),
        Reply("No new lead is waiting."),
    )
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Any new leads?", providers=chain)

    assert (record.stop_reason, record.answer) == ("answer", "No new lead is waiting."), record.error
    assert [(c.skill, c.ok, c.error_kind) for c in record.tool_calls] == [
        ("crm_list_leads", False, "validation"), ("crm_list_leads", True, None)]
    assert record.tool_calls[0].arguments == '{"status": "new", "limit": 5'  # the record keeps what was sent
    # The provider never gets the broken text back: the call is a valid (empty) object in its history...
    repaired = assistant_turns(fakes.openai.requests[1].messages)[0]
    assert repaired["content"] == ""
    assert json.loads(repaired["tool_calls"][0]["function"]["arguments"]) == {}
    # ...and the tool result says what was wrong, what was sent, and the parameters to send.
    told = fakes.openai.requests[1].messages[-1]["content"]
    assert "not valid JSON" in told and '{"status": "new", "limit": 5' in told
    assert '"limit"' in told and '"status"' in told and "crm_list_leads" in told
    assert await pilot_calls(app, record.run_id) == [("crm_list_leads", "ok")]


async def test_arguments_that_are_not_an_object_are_repaired_the_same_way(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    fakes.openai.script(Reply(tool_calls=[Call("crm_list_leads", '["new"]')]), Reply("NO_REPLY"))
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Any new leads?", providers=chain)
    assert record.stop_reason == "no_reply", record.error
    sent = assistant_turns(fakes.openai.requests[1].messages)[0]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(sent) == {}
    assert "must be a JSON object" in fakes.openai.requests[1].messages[-1]["content"]


async def test_identical_calls_in_one_turn_run_once(app: App, fakes: Fakes, chain: ProviderChain) -> None:
    lead = {"email": "ada@example.com", "source": "referral"}
    fakes.openai.script(
        Reply(tool_calls=[Call("crm_create_lead", lead), Call("crm_create_lead", dict(reversed(lead.items()))),
                          Call("execute_skill", {"name": "crm_create_lead", "arguments": lead})]),
        Reply("Created lead ada@example.com."),
    )
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Add ada@example.com from a referral.",
                            providers=chain)

    assert record.stop_reason == "answer", record.error
    assert await pilot_calls(app, record.run_id) == [("crm_create_lead", "ok")]  # one write, not three
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads WHERE email = 'ada@example.com'") == 1
    assert [c.error_kind for c in record.tool_calls] == [None, "duplicate", "duplicate"]
    # Every call still has its answer (the conversation stays valid), saying it was not run again.
    results = [m for m in fakes.openai.requests[1].messages if m["role"] == "tool"]
    first_id = assistant_turns(fakes.openai.requests[1].messages)[0]["tool_calls"][0]["id"]
    assert len(results) == 3 and all(first_id in r["content"] for r in results[1:])
    assert all("not run again" in r["content"] for r in results[1:])


async def test_every_request_has_the_shapes_every_server_accepts(app: App, fakes: Fakes, chain: ProviderChain) -> None:
    fakes.openai.script(Reply(tool_calls=[Call("crm_list_leads", {"limit": 5})]), Reply("Two leads."))
    record = await run_loop(app, system_prompt=SYSTEM, user_message="How many leads?", providers=chain)
    assert record.stop_reason == "answer", record.error
    for request in fakes.openai.requests:
        assert request.body["tool_choice"] == "auto" and request.tools
        assert isinstance(request.body["max_tokens"], int) and 0 < request.body["max_tokens"] <= 4096
    turn = assistant_turns(fakes.openai.requests[1].messages)[0]
    assert turn["content"] == "" and turn["tool_calls"][0]["type"] == "function"


async def test_the_same_through_ollamas_api(app: App, fakes: Fakes) -> None:
    fakes.ollama.script(
        # Ollama parses the JSON itself: what a small model gets wrong there is the values.
        Reply(tool_calls=[Call("crm_list_leads", {"limit": "five"})]),
        Reply(tool_calls=[Call("crm_create_lead", {"email": "bo@example.com"}),
                          Call("crm_create_lead", {"email": "bo@example.com"})]),
        Reply("Created one lead."),
    )
    async with ProviderChain.for_app(app, AiSettings.from_env(fakes.env("ollama"))) as chain:
        record = await run_loop(app, system_prompt=SYSTEM, user_message="Add bo@example.com.", providers=chain)
    assert record.stop_reason == "answer", record.error
    assert await pilot_calls(app, record.run_id) == [("crm_list_leads", "error"), ("crm_create_lead", "ok")]
    for request in fakes.ollama.requests:
        options = request.body["options"]
        assert 0 < options["num_predict"] <= 4096 and options["num_ctx"] > 0
    history = fakes.ollama.requests[1].messages
    assert assistant_turns(history)[0]["tool_calls"][0]["function"]["arguments"] == {"limit": "five"}  # an object
    told = history[-1]
    assert told["tool_name"] == "crm_list_leads" and "'limit'" in told["content"] and '"status"' in told["content"]


async def test_an_ask_answer_stating_figures_nothing_read_is_retried_once(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    fakes.openai.script(
        Reply("You have 42 open leads worth 18,500 EUR."),  # invented: no skill was called
        Reply(tool_calls=[Call("crm_list_leads", {"status": "new"})]),
        Reply("You have 0 open leads."),
    )
    record = await run_loop(app, system_prompt=SYSTEM, user_message="How many open leads do we have?",
                            providers=chain)
    assert (record.stop_reason, record.answer) == ("answer", "You have 0 open leads."), record.error
    nudge = fakes.openai.requests[1].messages[-1]
    assert nudge["role"] == "user" and "42" in nudge["content"] and "no skill call" in nudge["content"]


async def test_an_ungrounded_answer_twice_is_not_returned_as_the_answer(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    fakes.openai.script(Reply("There are 42 open leads."), Reply("I am sure: 42 open leads."), Reply("unused"))
    record = await run_loop(app, system_prompt=SYSTEM, user_message="How many open leads?", providers=chain)
    assert (record.stop_reason, record.status, record.answer) == ("ungrounded", "failed", None)
    assert "42" in (record.error or "") and len(fakes.openai.requests) == 2
    # Figures the person gave, and answers without figures, are not ungrounded.
    fakes.openai.script(Reply("I cannot tell without looking; nothing was read."), Reply("Lead 7 it is."))
    plain = await run_loop(app, system_prompt=SYSTEM, user_message="How many open leads?", providers=chain)
    echoed = await run_loop(app, system_prompt=SYSTEM, user_message="Is lead 7 the one?", providers=chain)
    assert plain.stop_reason == echoed.stop_reason == "answer"
    # Heartbeats are judged by their evidence (reasoning_step), not by this check.
    fakes.openai.script(Reply("There are 42 open leads."))
    beat = await run_loop(app, system_prompt=SYSTEM, user_message="Heartbeat.", providers=chain, kind="heartbeat")
    assert beat.stop_reason == "answer"
