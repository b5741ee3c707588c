"""Protocol edges a host meets: one-page lists, -32602 for unknown tools, data.uri, prompts and
completion, logging and progress, and the schema lookup that spares a tools/list per call."""

from __future__ import annotations

from typing import Any

import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from server.app import App
from server.mcp.prompts import load_all
from server.mcp.surface import RESOURCE_NOT_FOUND, Surface
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio
ERAS = pytest.mark.parametrize("mode", ["auto", "legacy"], ids=["2026-07-28", "2025-11-25"])


async def test_tools_list_is_one_page_by_default(mcp_any_era: McpHarness, app: App) -> None:
    page = await mcp_any_era.client.list_tools(cache_mode="refresh")
    assert page.next_cursor is None
    assert len(page.tools) == 4 + len(app.registry.skills) - len(await _disabled(app))
    assert {"webinars_register", "timesheets_log", "support_open_ticket"} <= {t.name for t in page.tools}


async def _disabled(app: App) -> list[str]:
    from server.tables import skill_state

    enabled = set(await skill_state.enabled_skill_names(app.store))
    return [n for n in app.registry.skills if n not in enabled]


async def test_a_page_size_pages_the_list(app: App) -> None:
    async with Client(Surface(app, page_size=50).server) as client:
        first = await client.list_tools(cache_mode="refresh")
        assert len(first.tools) == 50 and first.next_cursor is not None
        harness = McpHarness(client)
        assert len(await harness.tool_names()) > 150


@ERAS
async def test_an_unknown_tool_is_a_json_rpc_invalid_params_error(app: App, mode: str) -> None:
    async with Client(Surface(app).server, mode=mode) as client:
        with pytest.raises(MCPError) as raised:
            await client.call_tool("crm_qualify_lead", {})
        assert raised.value.error.code == types.INVALID_PARAMS
        assert "crm_qualify_leads" in raised.value.error.message  # the near miss, to try next


@ERAS
async def test_resource_not_found_names_the_uri(app: App, mode: str) -> None:
    async with Client(Surface(app).server, mode=mode) as client:
        with pytest.raises(MCPError) as raised:
            await client.read_resource("skill://nope/instructions")
        assert raised.value.error.code == RESOURCE_NOT_FOUND == types.INVALID_PARAMS  # SEP-2164
        assert raised.value.error.data == {"uri": "skill://nope/instructions"}


async def test_every_skill_an_operator_prompt_names_exists(app: App) -> None:
    import re

    names = set(app.registry.skills) | {"search_skills", "describe_skill", "execute_skill"}
    for prompt in load_all().values():
        mentioned = set(re.findall(r"\b([a-z]+(?:_[a-z]+)+)\b", prompt.body))
        skills_like = {m for m in mentioned if m.split("_")[0] in {s.module_id for s in app.registry.skills.values()}}
        assert skills_like <= names, (prompt.name, skills_like - names)


@ERAS
async def test_prompts_list_and_render_with_their_arguments(app: App, mode: str) -> None:
    async with Client(Surface(app).server, mode=mode) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert {"morning_briefing", "month_end_close", "support_triage", "weekly_report"} <= set(prompts)
        assert all(p.description for p in prompts.values())
        close = await client.get_prompt("month_end_close", {"month": "2026-10"})
        content = close.messages[0].content
        assert isinstance(content, types.TextContent) and "close the books for 2026-10" in content.text
        briefing = await client.get_prompt("morning_briefing")  # its one argument is optional
        assert isinstance(briefing.messages[0].content, types.TextContent)
        assert "{focus}" not in briefing.messages[0].content.text
        with pytest.raises(MCPError, match="needs `month`"):
            await client.get_prompt("month_end_close")
        with pytest.raises(MCPError, match="unknown prompt"):
            await client.get_prompt("nope")


async def _complete(client: Client, prompt: str, argument: str, value: str) -> list[str]:
    result = await client.complete(types.PromptReference(type="ref/prompt", name=prompt),
                                   {"name": argument, "value": value})
    return result.completion.values


async def test_completion_offers_modules_skills_months_choices_and_records(app: App, clock: FakeClock) -> None:
    surface = Surface(app)
    await app.executor.call("contacts_create", {"name": "Ada Lovelace", "email": "ada@example.com"},
                            caller="cli")
    async with Client(surface.server) as client:
        assert "invoicing" in await _complete(client, "weekly_report", "module", "inv")
        assert await _complete(client, "skill_walkthrough", "skill", "invoicing_create") == ["invoicing_create_invoice"]
        months = await _complete(client, "month_end_close", "month", "")
        assert months[0] == clock.now().strftime("%Y-%m") and len(months) == 12
        assert await _complete(client, "support_triage", "priority", "u") == ["urgent"]
        assert await _complete(client, "customer_review", "customer", "Ada") == ["Ada Lovelace"]
        assert await _complete(client, "no_such_prompt", "x", "") == []  # nothing, not an error


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")  # the client's set_logging_level
async def test_a_handshake_client_that_set_a_level_hears_each_call(app: App) -> None:
    heard: list[types.LoggingMessageNotificationParams] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        heard.append(params)

    async with Client(Surface(app).server, mode="legacy", logging_callback=on_log) as client:
        await client.call_tool("crm_list_leads", {})  # before any logging/setLevel: nothing is sent
        await client.set_logging_level("info")
        await client.call_tool("crm_list_leads", {})
        await client.call_tool("crm_create_lead", {"email": "not-an-email"})
        await client.set_logging_level("error")
        await client.call_tool("crm_list_leads", {})
    assert [(h.level, h.data["tool"], h.data["status"]) for h in heard] == [
        ("info", "crm_list_leads", "ok"), ("warning", "crm_create_lead", "error")]


@ERAS
async def test_a_long_export_reports_progress(app: App, mode: str) -> None:
    for n in range(3):
        await app.executor.call("contacts_create", {"name": f"P{n}", "email": f"p{n}@example.com"},
                                caller="cli")
    seen: list[tuple[float, float | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total))

    async with Client(Surface(app).server, mode=mode) as client:
        result = await client.call_tool("contacts_export_csv", {}, progress_callback=on_progress)
    assert not result.is_error
    assert seen and seen[-1] == (3, 3)


async def test_the_schema_lookup_answers_without_listing_tools(app: App) -> None:
    surface = Surface(app)
    listings = 0
    real = surface._list_tools

    async def counting() -> list[types.Tool]:
        nonlocal listings
        listings += 1
        return await real()

    surface._list_tools = counting
    schema: Any = surface.server.get_tool_input_schema("crm_create_lead")  # type: ignore[misc]
    assert schema["properties"]["email"]["type"] == "string"
    assert surface.tool_input_schema("execute_skill") is not None
    assert surface.tool_input_schema("nope") is None
    assert listings == 0
