"""Issue 31, story 1: a chat host sees every parameter of every tool, whatever the tier `serve` picks.

The story: `serve` picked compact, which dropped optional parameters entirely, so `email_send`
offered only `to`, `blog_create_post` only `title` (a chat model created empty posts) and
`invoicing_send_invoice` hid the `confirm` flag its own error asks for. Compact shortens
descriptions only; the drop tier (the loop's) may drop optional parameters and then says so.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from server import manifest
from server.agent.bootstrap import enable_agent
from server.app import App
from server.assembly import open_app
from server.manifest import render
from server.manifest.launch import choose_tier

pytestmark = pytest.mark.anyio


def _types(schema: dict[str, Any]) -> dict[str, Any]:
    """Per parameter, what a model needs to form a call: its type(s) and enum, ``T | None`` seen as ``T``."""
    return {name: render.minimal_schema(prop) for name, prop in schema.get("properties", {}).items()}


async def _every_module_on(db: Path) -> None:
    async with open_app(db) as app:
        await enable_agent(app)
        await app.modules.enable("assistant")


async def test_the_default_serve_tier_lists_every_parameter_of_every_tool(tmp_path: Path) -> None:
    db = tmp_path / "host.db"
    await _every_module_on(db)  # the biggest catalog: every built-in module, the agent's too
    env = {**os.environ, "PILOTHOUSE_DB": str(db)}
    env.pop("PILOTHOUSE_TIER", None)
    params = StdioServerParameters(command=sys.executable, args=["-m", "server.cli.main", "serve"], env=env)
    async with Client(params) as client, open_app(db) as app:
        listed = {t.name: t for t in (await client.list_tools()).tools}
        skills = await manifest.enabled_skills(app)
        assert set(listed) >= {s.name for s in skills}, "the default tier must list every skill"
        for skill in skills:
            full, tool = skill.input_schema(), listed[skill.name]
            assert _types(tool.input_schema) == _types(full), skill.name
            assert sorted(tool.input_schema.get("required", [])) == sorted(full.get("required", [])), skill.name
        email, post = listed["email_send"].input_schema, listed["blog_create_post"].input_schema
        assert {"to", "subject", "body"} <= set(email["properties"])
        assert {"title", "body"} <= set(post["properties"])
        assert "confirm" in listed["invoicing_send_invoice"].input_schema["properties"]
        created = await client.call_tool("invoicing_create_invoice", {
            "customer": "Ada Ltd", "customer_email": "ada@example.com", "currency": "GBP", "tax_rate_percent": 20,
            "lines": [{"description": "Audit", "quantity": 1, "unit_price_cents": 1000}]})
        assert not created.is_error and created.structured_content["currency"] == "GBP"


async def test_compact_shortens_descriptions_only(app: App) -> None:
    for skill in await manifest.enabled_skills(app):
        spec = render.skill_spec(skill)
        compact = render.mcp_tool(spec, "compact")
        assert _types(compact.input_schema) == _types(spec.input_schema), skill.name
        assert compact.input_schema.get("required", []) == spec.input_schema.get("required", []), skill.name
        for prop in compact.input_schema.get("properties", {}).values():
            assert "description" not in prop  # what compact leaves to describe_skill


async def test_the_drop_tier_says_which_optional_parameters_describe_skill_has(app: App) -> None:
    send = render.mcp_tool(render.skill_spec(app.registry.skills["email_send"]), "drop")
    optional = set(app.registry.skills["email_send"].input_schema()["properties"]) - set(
        app.registry.skills["email_send"].input_schema()["required"])
    assert optional and not optional & set(send.input_schema["properties"])
    assert "describe_skill" in (send.description or "")
    assert all(name in (send.description or "") for name in optional)
    lead = render.mcp_tool(render.skill_spec(app.registry.skills["crm_get_lead"]), "drop")
    assert "describe_skill" not in (lead.description or "")  # nothing left out, nothing to say


async def test_auto_never_picks_drop_for_a_host(app: App) -> None:
    """Drop is for the reasoning loop; a host asking for auto gets full or compact, never fewer tools."""
    tiny = await choose_tier(app, "auto", context_tokens=1_000, share=0.05)
    assert tiny.tier == "compact" and "compact" in tiny.reason
    assert (await choose_tier(app, "auto", context_tokens=10**7)).tier == "full"
    assert (await choose_tier(app, "drop")).tier == "drop"  # asked for by name, it is still there
