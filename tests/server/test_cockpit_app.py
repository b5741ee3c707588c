"""The cockpit as an MCP App, through the real SDK client: the ui:// resource, its link, the tool's text."""

from __future__ import annotations

import json
from datetime import timedelta

import mcp_types as types
import pytest

from server.agent.bootstrap import enable_agent
from server.app import App
from server.cockpit.app_resource import APP_MIME, APP_URI
from server.tables import approvals
from server.testing import McpHarness

pytestmark = pytest.mark.anyio


async def test_the_app_is_a_listed_ui_resource_with_the_mcp_app_type(mcp: McpHarness) -> None:
    listed = {str(r.uri): r for r in (await mcp.client.list_resources()).resources}
    assert APP_URI.startswith("ui://") and listed[APP_URI].mime_type == "text/html;profile=mcp-app" == APP_MIME
    read = await mcp.client.read_resource(APP_URI)
    contents = read.contents[0]
    assert isinstance(contents, types.TextResourceContents) and contents.mime_type == APP_MIME
    # It talks to the host over postMessage JSON-RPC, and calls the same tools a chat would.
    for needed in ("<h1>Exception cockpit</h1>", "ui/initialize", "ui/notifications/initialized", "tools/call",
                   "ops_approve", "ops_reject", "ops_resume_skill", "f.retry_tool, f.retry_arguments"):
        assert needed in contents.text, needed


async def test_the_cockpit_tool_links_the_app_and_answers_hosts_without_apps_in_text(
        app: App, mcp: McpHarness) -> None:
    await enable_agent(app)
    now = app.clock.now()
    async with app.store.transaction() as tx:
        await approvals.queue(tx, skill="orders_cancel_order", arguments='{"order_id": 42}', run_id=None,
                              requested_by="pilot", requested_at=now.isoformat(timespec="seconds"),
                              expires_at=(now + timedelta(hours=48)).isoformat(timespec="seconds"))
    tools = {t.name: t for t in (await mcp.client.list_tools(cache_mode="refresh")).tools}
    assert (tools["ops_cockpit"].meta or {})["ui"] == {"resourceUri": APP_URI}
    assert "ui" not in (tools["ops_list_notifications"].meta or {})
    result = await mcp.client.call_tool("ops_cockpit", {})
    text = result.content[0]
    assert isinstance(text, types.TextContent) and not result.is_error
    data = json.loads(text.text)  # what a host without Apps shows: the summary comes first
    assert next(iter(data)) == "summary" and await mcp.call("ops_cockpit") == data
    assert data["summary"].startswith("health ") and "1 approval(s) or proposal(s) to decide" in data["summary"]
    assert data["requests"][0]["skill"] == "orders_cancel_order" and data["requests"][0]["arguments"] == "order_id=42"
