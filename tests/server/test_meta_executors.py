"""A read executor and a write executor: hosts can trust the meta-tools' hints.

One execute_skill ran reads and writes alike, so a host had to treat every call through it as
possibly destructive. execute_read_skill is annotated read-only and refuses any skill that writes;
execute_skill carries the hints of the writes the connection can reach. Both validate arguments
against the real skill's schema, and the agent's loop gets the same pair.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from server import manifest
from server.app import App
from server.manifest.offered import Selection
from server.mcp.surface import Surface
from server.testing import McpHarness

pytestmark = pytest.mark.anyio


def hints(tool: Any) -> tuple[bool | None, bool | None, bool | None]:
    a = tool.annotations
    return a.read_only_hint, a.destructive_hint, a.idempotent_hint


async def listed(app: App, selection: Selection | None = None) -> dict[str, Any]:
    async with Client(Surface(app, selection=selection).server, raise_exceptions=True) as client:
        return {t.name: t for t in (await client.list_tools()).tools}


async def test_the_read_executor_is_read_only_and_refuses_writes(app: App, mcp: McpHarness) -> None:
    tools = {t.name: t for t in (await mcp.client.list_tools()).tools}
    assert hints(tools["execute_read_skill"]) == (True, False, True)
    refused = await mcp.error("execute_read_skill", name="crm_create_lead", arguments={"email": "ada@example.com"})
    assert "changes data" in refused and "execute_skill" in refused
    assert not await app.store.fetchval("SELECT COUNT(*) FROM crm_leads")  # nothing was written
    leads = await mcp.call("execute_read_skill", name="crm_list_leads", arguments={"status": "new"})
    assert leads["total"] == 0
    # Validated against the real skill's schema, as a direct call is: the same message.
    direct = await mcp.error("crm_list_leads", status="nonsense")
    assert direct == await mcp.error("execute_read_skill", name="crm_list_leads", arguments={"status": "nonsense"})


async def test_the_write_executor_carries_the_hints_of_the_writes_it_can_reach(app: App) -> None:
    everything = await listed(app)
    assert hints(everything["execute_skill"]) == (False, True, False)  # invoicing_void_invoice is destructive
    calendar_only = await listed(app, Selection(modules=frozenset({"calendar"})))
    writes = [s for s in app.registry.skills.values() if s.module_id == "calendar" and not s.hints.read_only]
    assert writes and hints(calendar_only["execute_skill"]) == (
        False, any(s.hints.destructive for s in writes), all(s.hints.idempotent for s in writes))
    read_only = await listed(app, Selection(read_only=True))
    assert hints(read_only["execute_skill"]) == (False, False, False)  # it can reach no write at all
    assert read_only["execute_read_skill"].annotations.read_only_hint is True


async def test_the_agents_loop_gets_the_same_pair(app: App) -> None:
    functions = await manifest.openai_tools(app, "drop")
    assert [f["function"]["name"] for f in functions[:4]] == list(manifest.META_TOOLS)
    refused = await manifest.call_tool(app, "execute_read_skill", {"name": "crm_create_lead",
                                                                   "arguments": {"email": "a@b.example"}},
                                       caller="pilot")
    assert not refused.ok and "changes data" in refused.message
    ran = await manifest.call_tool(app, "execute_read_skill", {"name": "crm_list_leads", "arguments": {}},
                                   caller="pilot")
    assert ran.ok and ran.skill == "crm_list_leads"
