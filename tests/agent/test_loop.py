"""The reasoning loop against a scripted model over real HTTP: answers, tiers, guards, budgets, checkpoints."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from server import manifest
from server.agent.loop import run_loop
from server.app import App
from server.errors import ConfigError
from server.providers import AiSettings, ProviderChain
from server.testing.fake_model import Call, Delay, Reply
from server.tokens import get_counter
from tests.agent.conftest import Fakes

pytestmark = pytest.mark.anyio

SYSTEM = "You operate a small business's back office through skills."


@pytest.fixture
async def chain(app: App, fakes: Fakes) -> AsyncIterator[ProviderChain]:
    async with ProviderChain.for_app(app, AiSettings.from_env(fakes.env("openai", "gemini"))) as chain:
        yield chain


async def add_leads(app: App, count: int, notes_chars: int = 0) -> None:
    for i in range(count):
        result = await app.executor.call("crm_create_lead", {
            "email": f"lead{i}@acme{i}.io", "name": f"Lead {i}", "notes": f"note {i} " + "x" * notes_chars,
        }, caller="cli")
        assert result.ok, result.message


async def pilot_activity(app: App, run_id: str) -> list[tuple[str, str, str | None]]:
    rows = await app.store.fetchall(
        "SELECT skill, status, error_kind FROM activity WHERE run_id = ? AND caller = 'pilot' ORDER BY id", (run_id,))
    return [(r["skill"], r["status"], r["error_kind"]) for r in rows]


async def run_row(app: App, run_id: str) -> dict[str, Any]:
    row = await app.store.fetchone("SELECT * FROM runs WHERE id = ?", (run_id,))
    assert row is not None
    return row


async def test_tool_calls_run_through_the_executor_and_the_answer_ends_the_run(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    await add_leads(app, 2)
    fakes.openai.script(
        Reply(tool_calls=[Call("crm_list_leads", {"limit": 5})], usage=(300, 20)),
        Reply("There are 2 new leads: Lead 0 and Lead 1.", usage=(420, 15)),
    )
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Which leads are new?", providers=chain)

    assert (record.stop_reason, record.status) == ("answer", "completed")
    assert record.answer == "There are 2 new leads: Lead 0 and Lead 1."
    assert [(c.skill, c.ok, c.error_kind) for c in record.tool_calls] == [("crm_list_leads", True, None)]
    assert (record.prompt_tokens, record.completion_tokens) == (720, 35)
    assert record.models == ["openai:gpt-4.1-mini"] * 2 and record.tiers == ["full", "full"]
    assert await pilot_activity(app, record.run_id) == [("crm_list_leads", "ok", None)]
    # The model saw the skill's real output as the tool result of its call (the leads' names are written
    # outside the business: a header says so and fences them).
    sent = fakes.openai.requests[1].messages
    header, _, output = sent[-1]["content"].partition("\n")
    assert sent[-1]["role"] == "tool" and json.loads(output)["total"] == 2
    assert "written by people outside the business (items[0].name, items[0].notes, items[1].name" in header
    assert sent[-1]["tool_call_id"] == sent[-2]["tool_calls"][0]["id"]
    row = await run_row(app, record.run_id)
    assert (row["kind"], row["status"], row["cursor"], row["stop_reason"]) == ("ask", "completed", 3, "answer")
    usage = await app.store.fetchall("SELECT provider, status, run_id FROM ai_usage ORDER BY id")
    assert [(u["provider"], u["status"], u["run_id"]) for u in usage] == [("openai", "ok", record.run_id)] * 2


async def test_no_reply_and_invalid_arguments(app: App, fakes: Fakes, chain: ProviderChain) -> None:
    fakes.openai.script(Reply(tool_calls=[Call("crm_list_leads", '{"limit": 5')]), Reply("NO_REPLY"))
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Anything to do?", providers=chain)
    assert (record.stop_reason, record.status, record.answer) == ("no_reply", "completed", None)
    bad = record.tool_calls[0]
    assert (bad.ok, bad.error_kind, bad.arguments) == (False, "validation", '{"limit": 5')
    assert "not valid JSON" in fakes.openai.requests[1].messages[-1]["content"]
    assert await pilot_activity(app, record.run_id) == []  # nothing reached a handler


async def test_the_tier_degrades_as_long_tool_outputs_fill_the_context(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    await app.modules.enable("pilot")  # 30+ skills: enough for drop's top 20 to leave some out
    await add_leads(app, 12, notes_chars=400)
    # Different arguments each time (the same call three times would end the run), each answer long.
    fakes.openai.script(*[Reply(tool_calls=[Call("crm_list_leads", {"limit": 50 - i})]) for i in range(8)])
    budget = 5_000
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Review every lead.", providers=chain,
                            token_budget=budget, max_iterations=10)

    assert record.stop_reason == "token_budget" and record.status == "completed"
    # Re-evaluated every iteration from the request's size, tool definitions included (Pattern 3).
    assert all(manifest.TIERS.index(manifest.resolve_tier(used, budget)) <= manifest.TIERS.index(tier)
               for tier, used in zip(record.tiers, record.request_tokens, strict=True))
    assert record.tiers[0] == "full" and {"compact", "drop"} <= set(record.tiers)
    assert record.conversation_tokens == sorted(record.conversation_tokens)
    first = {tier: fakes.openai.requests[record.tiers.index(tier)].tools for tier in ("full", "compact", "drop")}
    assert all(len(tools) > 3 for tools in first.values())  # the meta-tools and the skills this run is about
    size = {tier: len(json.dumps(tools)) for tier, tools in first.items()}
    assert size["full"] > size["compact"] >= size["drop"]
    # Long outputs are cut before they reach the model, and the model is told so.
    assert any(c.truncated for c in record.tool_calls)
    cut = next(m for m in fakes.openai.requests[-1].messages if m["role"] == "tool" and "[truncated:" in m["content"])
    assert len(cut["content"]) < 4_300


async def test_the_same_call_three_times_ends_the_run(app: App, fakes: Fakes, chain: ProviderChain) -> None:
    same = Reply(tool_calls=[Call("crm_list_leads", {"status": "new", "limit": 5})])
    fakes.openai.script(same, same, same, Reply("never asked"))
    record = await run_loop(app, system_prompt=SYSTEM, user_message="List new leads.", providers=chain)
    assert (record.stop_reason, record.status) == ("loop_detected", "failed")
    assert "called 3 times in a row" in (record.error or "")
    assert len(fakes.openai.requests) == 3 and fakes.openai.pending == 1
    assert await pilot_activity(app, record.run_id) == [
        ("crm_list_leads", "ok", None), ("crm_list_leads", "ok", None), ("crm_list_leads", "error", "loop_detected")]
    assert (await run_row(app, record.run_id))["status"] == "failed"


async def test_budget_and_iteration_limits_stop_the_run(app: App, fakes: Fakes, chain: ProviderChain) -> None:
    await add_leads(app, 10, notes_chars=300)
    fakes.openai.script(Reply(tool_calls=[Call("crm_list_leads", {"limit": 50})]))
    counter = await get_counter()
    first = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Review leads."}]
    budget = counter.count_messages(first) + counter.count_json(await manifest.loop_tools(app, "drop", first)) + 300
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Review leads.", providers=chain,
                            token_budget=budget)  # the first request fits; with the long answer it would not
    assert record.stop_reason == "token_budget" and len(record.iterations) == 1
    assert len(fakes.openai.requests) == 1 and f"{budget} budget" in (record.error or "")
    assert "of them tool definitions" in (record.error or "")  # the tools count toward the budget too

    fakes.openai.script(*[Reply(tool_calls=[Call("crm_list_leads", {"limit": i + 1})]) for i in range(3)])
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Review leads.", providers=chain,
                            max_iterations=2)
    assert record.stop_reason == "max_iterations" and len(record.iterations) == 2 and fakes.openai.pending == 1


async def test_an_interrupted_run_resumes_without_repeating_its_tool_calls(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    fakes.openai.script(
        Reply(tool_calls=[Call("crm_create_lead", {"email": "ada@analytical.io", "name": "Ada"})]),
        Reply(tool_calls=[Call("crm_create_lead", {"email": "grace@cobol.io", "name": "Grace"})]),
        Delay(30),  # the third model call hangs: the process is stopped while it waits
        Reply("Created leads for Ada and Grace."),
    )

    async def first_attempt() -> None:
        await run_loop(app, system_prompt=SYSTEM, user_message="Add Ada and Grace as leads.", providers=chain)

    async with anyio.create_task_group() as tg:
        tg.start_soon(first_attempt)
        assert await fakes.openai.requests_reached(3)
        tg.cancel_scope.cancel()
    row = await app.store.fetchone("SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
    assert row is not None
    assert (row["status"], row["cursor"], row["stop_reason"]) == ("paused", 4, "interrupted")

    record = await run_loop(app, resume_run_id=row["id"], providers=chain)
    assert (record.stop_reason, record.answer) == ("answer", "Created leads for Ada and Grace.")
    assert record.resumed_at == [4] and record.cursor == 5
    assert [c.skill for c in record.tool_calls] == ["crm_create_lead", "crm_create_lead"]
    # Each lead was created exactly once: the resumed run did not call the handler again.
    assert await pilot_activity(app, row["id"]) == [("crm_create_lead", "ok", None)] * 2
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 2
    # The resumed model call saw the whole conversation, both tool results included.
    resumed = fakes.openai.requests[3].messages
    assert [m["role"] for m in resumed] == ["system", "user", "assistant", "tool", "assistant", "tool"]
    with pytest.raises(ConfigError, match=r"is completed \(answer\) and cannot be resumed"):
        await run_loop(app, resume_run_id=row["id"], providers=chain)


async def test_a_call_that_finished_just_before_a_crash_is_recovered_not_repeated(
    app: App, fakes: Fakes, chain: ProviderChain
) -> None:
    fakes.openai.script(Reply(tool_calls=[Call("crm_create_lead", {"email": "ada@analytical.io"})]), Delay(30),
                        Reply("Ada is a lead now."))
    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: run_loop(app, system_prompt=SYSTEM, user_message="Add Ada.", providers=chain))
        assert await fakes.openai.requests_reached(2)
        tg.cancel_scope.cancel()
    row = await app.store.fetchone("SELECT id, state FROM runs")
    assert row is not None
    # Rewind the checkpoint to before the tool step, as if the process died between the
    # executor's commit and the loop's save.
    state = json.loads(row["state"])
    state["messages"].pop()
    state["record"]["tool_calls"].pop()
    state["record"]["cursor"] = 1
    state["activity_watermark"] = 0
    await app.store.execute("UPDATE runs SET state = ?, cursor = 1, status = 'running' WHERE id = ?",
                            (json.dumps(state), row["id"]))

    record = await run_loop(app, resume_run_id=row["id"], providers=chain)
    assert record.answer == "Ada is a lead now."
    assert record.tool_calls[0].recovered and record.tool_calls[0].ok
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 1
    assert "recovered from the activity log" in fakes.openai.requests[2].messages[-1]["content"]


async def test_wall_clock_cap_leaves_a_resumable_timeout(app: App, fakes: Fakes, chain: ProviderChain) -> None:
    fakes.openai.script(Delay(30))  # the model never answers within the run's cap (1 s) or the request's (2 s)
    record = await run_loop(app, system_prompt=SYSTEM, user_message="Hi.", providers=chain, wall_clock_s=1.0)
    assert (record.stop_reason, record.status) == ("wall_clock", "timeout")
    assert (await run_row(app, record.run_id))["status"] == "timeout"
    fakes.openai.rescript(Reply("Done."))  # answering now (the cap may land before or during the first request)
    resumed = await run_loop(app, resume_run_id=record.run_id, providers=chain)
    assert (resumed.status, resumed.answer) == ("completed", "Done.")
