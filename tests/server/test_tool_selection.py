"""Per-process and per-connection tool selection: it only ever narrows what the instance offers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

from server.app import App
from server.errors import ConfigError
from server.http_app import build_http_app
from server.manifest.offered import Selection, parse_selection
from server.mcp.surface import Surface
from server.testing import McpHarness

pytestmark = pytest.mark.anyio
META = ["search_skills", "describe_skill", "execute_read_skill", "execute_skill"]


async def names(client: Client) -> list[str]:
    return await McpHarness(client).tool_names()


async def test_read_only_lists_searches_describes_and_runs_only_what_changes_nothing(app: App) -> None:
    async with Client(Surface(app, selection=Selection(read_only=True)).server) as client:
        listed = await names(client)
        assert listed[:4] == META and "crm_list_leads" in listed and "crm_create_lead" not in listed
        assert all(app.registry.skills[n].hints.read_only for n in listed[4:])
        with pytest.raises(MCPError, match="read-only") as raised:
            await client.call_tool("crm_create_lead", {"email": "a@b.io"})
        assert raised.value.error.code == types.INVALID_PARAMS
        found = await client.call_tool("search_skills", {"query": "create a lead"})
        assert found.structured_content is not None
        assert all(app.registry.skills[h["name"]].hints.read_only for h in found.structured_content["results"])
        described = await client.call_tool("describe_skill", {"name": "crm_create_lead"})
        executed = await client.call_tool("execute_skill", {"name": "crm_create_lead",
                                                            "arguments": {"email": "a@b.io"}})
        assert described.is_error and executed.is_error
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 0


async def test_modules_and_excluded_skills_narrow_the_list(app: App) -> None:
    selection = parse_selection(app, modules="crm,invoicing", exclude="crm_qualify_leads")
    async with Client(Surface(app, selection=selection).server) as client:
        listed = await names(client)
        assert {app.registry.skills[n].module_id for n in listed[4:]} == {"crm", "invoicing"}
        assert "crm_qualify_leads" not in listed
        with pytest.raises(MCPError, match="module 'blog'"):
            await client.call_tool("blog_create_post", {"title": "x"})
        with pytest.raises(MCPError, match="excluded"):
            await client.call_tool("crm_qualify_leads", {})


async def test_unknown_names_are_refused_with_the_known_ones(app: App) -> None:
    with pytest.raises(ConfigError, match=r"unknown module.*crmm.*crm, "):
        parse_selection(app, modules="crmm")
    with pytest.raises(ConfigError, match=r"unknown skill.*crm_nope"):
        parse_selection(app, exclude="crm_nope")


async def rpc(client: httpx.AsyncClient, method: str, params: dict[str, object], **headers: str) -> httpx.Response:
    return await client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": method, "params": {
        **params, "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                            "io.modelcontextprotocol/clientCapabilities": {}}}},
        headers={"accept": "application/json, text/event-stream", "mcp-protocol-version": "2026-07-28",
                 "mcp-method": method, **({"mcp-name": str(params["name"])} if "name" in params else {}), **headers})


def result_of(response: httpx.Response) -> dict[str, object]:
    import json

    body = response.text
    data = [line.removeprefix("data: ") for line in body.splitlines() if line.startswith("data: ")]
    message: dict[str, object] = json.loads(data[-1] if data else body)
    return message


async def test_an_http_connection_narrows_further_with_request_headers(app: App) -> None:
    surface = Surface(app, selection=Selection(exclude=frozenset({"crm_qualify_leads"})))
    asgi = build_http_app(surface, host="127.0.0.1", port=8765)
    async with surface.server.session_manager.run(), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url="http://127.0.0.1:8765") as client:
        listed = result_of(await rpc(client, "tools/list", {}, **{"x-pilothouse-modules": "crm",
                                                                  "x-pilothouse-read-only": "true"}))
        tools = [t["name"] for t in listed["result"]["tools"]]  # type: ignore[index]
        assert tools[4:] and all(n.startswith("crm_") and app.registry.skills[n].hints.read_only for n in tools[4:])
        assert "crm_qualify_leads" not in tools  # the process's exclusion still holds
        refused = result_of(await rpc(client, "tools/call", {"name": "invoicing_list", "arguments": {}},
                                      **{"x-pilothouse-modules": "crm"}))
        assert refused["error"]["code"] == types.INVALID_PARAMS  # type: ignore[index]
        bad = result_of(await rpc(client, "tools/list", {}, **{"x-pilothouse-modules": "nope"}))
        assert "x-pilothouse-modules" in bad["error"]["message"]  # type: ignore[index]
        everything = result_of(await rpc(client, "tools/list", {}))
        assert len(everything["result"]["tools"]) > len(tools)  # type: ignore[index]


async def test_serve_read_only_over_stdio(tmp_path: Path) -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "server.cli.main", "serve", "--read-only",
                                                                 "--modules", "crm"],
                                   env={**os.environ, "PILOTHOUSE_DB": str(tmp_path / "ro.db")})
    async with Client(params) as client:
        listed = await names(client)
        assert listed[4:] and "crm_create_lead" not in listed and all(n.startswith("crm_") for n in listed[4:])
