"""The grouping extension: modules as groups, membership in _meta, list_changed when a module switches.

Harmless for clients that ignore it: membership is ordinary `_meta`, and every other answer is the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from server.app import App
from server.assembly import Process
from tests.server.test_skills_extension import request

pytestmark = pytest.mark.anyio
GROUPS = "io.modelcontextprotocol/groups"


def groups_of(item: Any) -> list[str] | None:
    return (item.meta or {}).get(GROUPS)


async def test_modules_are_groups_and_tools_prompts_resources_say_theirs(app: App) -> None:
    surface = Process.assemble(app, scheduler=False).surface
    async with Client(surface.server, raise_exceptions=True) as client:
        assert (client.server_capabilities.extensions or {})["io.modelcontextprotocol/grouping"] == {
            "listChanged": True}
        groups = {g["name"]: g for g in (await request(client, "groups/list"))["groups"]}
        assert set(groups) == set(await app.modules.enabled_ids()) and groups["crm"]["title"] == "CRM"
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert groups_of(tools["crm_create_lead"]) == ["crm"] and groups_of(tools["search_skills"]) is None
        assert all(set(groups_of(t) or []) <= set(groups) for t in tools.values())
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert "invoicing" in (groups_of(prompts["month_end_close"]) or [])
        resources = {str(r.uri): r for r in (await client.list_resources()).resources}
        assert groups_of(resources["skill://crm_create_lead/instructions"]) == ["crm"]
        assert groups_of(resources["skill://pilothouse/crm/SKILL.md"]) == ["crm"]


async def test_switching_a_module_off_tells_handshake_clients_their_groups_changed(app: App) -> None:
    heard: list[str] = []

    async def listen(message: Any) -> None:
        heard.append(str(getattr(message, "method", "")))

    surface = Process.assemble(app, scheduler=False).surface
    async with Client(surface.server, raise_exceptions=True, mode="legacy", message_handler=listen) as client:
        await client.list_tools()  # the session is remembered for list changes
        assert not await surface.notify_if_changed()
        await app.modules.disable("blog")
        assert await surface.notify_if_changed()
        await client.list_prompts()  # the notifications arrive before the answer to a later request
        assert "blog" not in {g["name"] for g in (await request(client, "groups/list"))["groups"]}
        # The SDK client drops notifications it has no binding for (groups/list_changed); what it does
        # receive are the membership changes, and the session stayed remembered: nothing failed to send.
        assert len(surface._legacy_sessions) == 1
    assert {"notifications/tools/list_changed", "notifications/resources/list_changed"} <= set(heard)
