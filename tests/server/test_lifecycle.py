"""Module enable/disable (Pattern 5): idempotent seeding, data kept, requirements enforced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from server.app import App
from server.assembly import open_app
from server.errors import ModuleError
from server.testing import FakeClock, McpHarness
from skills import Automation, Migration, Module, SkillContext, skill

pytestmark = pytest.mark.anyio


async def _snapshot(app: App) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    return (
        await app.store.fetchall("SELECT * FROM modules ORDER BY id"),
        await app.store.fetchall("SELECT * FROM skills ORDER BY name"),
        await app.store.fetchall("SELECT * FROM automations ORDER BY id"),
    )


async def test_enabling_twice_changes_nothing(app: App, clock: FakeClock) -> None:
    before = await _snapshot(app)
    clock.advance(hours=1)
    assert await app.modules.enable("crm") is False
    assert await _snapshot(app) == before


async def test_disable_hides_skills_keeps_data_and_enable_brings_them_back(app: App, mcp: McpHarness) -> None:
    await mcp.call("crm_create_lead", email="kept@acme.io")
    for dependent in ("contacts", "forms"):  # they require crm
        await app.modules.disable(dependent)
    assert await app.modules.disable("crm") is True
    assert not [n for n in await mcp.tool_names() if n.startswith("crm_")]
    message = await mcp.error("crm_list_leads")
    assert "pilothouse modules enable crm" in message
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 1
    assert await app.store.fetchval("SELECT COUNT(*) FROM automations WHERE module_id='crm' AND enabled=1") == 0

    assert await app.modules.enable("crm") is True
    leads = await mcp.call("crm_list_leads")
    assert [lead["email"] for lead in leads["items"]] == ["kept@acme.io"]
    assert await app.store.fetchval("SELECT COUNT(*) FROM automations WHERE module_id='crm' AND enabled=1") == 1


class Echo(BaseModel):
    text: str


@skill(name="base_echo", title="Echo", category="system", instructions="Echoes.", read_only=True)
async def echo(ctx: SkillContext, text: str) -> Echo:
    """Echo a text.

    Args:
        text: The text.
    """
    return Echo(text=text)


@skill(name="addon_echo", title="Addon echo", category="system", instructions="Echoes.", read_only=True)
async def addon_echo(ctx: SkillContext, text: str) -> Echo:
    """Echo a text, from the add-on.

    Args:
        text: The text.
    """
    return Echo(text=text)


BASE = Module(id="base", name="Base", description="b", category="system", version="1", skills=(echo,),
              migrations=(Migration(1, "CREATE TABLE base_things (id INTEGER PRIMARY KEY)"),))
ADDON = Module(id="addon", name="Addon", description="a", category="system", version="1", skills=(addon_echo,),
               requires=("base",), enabled_by_default=False,
               automations=(Automation(name="tick", trigger="cron", config={"schedule": "* * * * *"},
                                       skill="addon_echo", arguments={"text": "tick"}),))


async def test_requires_is_enforced_both_ways(clock: FakeClock) -> None:
    async with open_app(":memory:", modules=[BASE, ADDON], clock=clock) as app:
        await app.modules.disable("base")
        with pytest.raises(ModuleError, match="requires base"):
            await app.modules.enable("addon")
        await app.modules.enable("base")
        await app.modules.enable("addon")
        with pytest.raises(ModuleError, match="required by enabled module"):
            await app.modules.disable("base")


async def test_retroactive_bootstrap_seeds_missing_rows(clock: FakeClock) -> None:
    async with open_app(":memory:", modules=[BASE, ADDON], clock=clock) as app:
        await app.modules.enable("addon")
        # A fresh install that lost rows (the platform's "6 skills and no schedules" bug).
        await app.store.execute("DELETE FROM automations")
        await app.store.execute("DELETE FROM skills WHERE name = 'addon_echo'")
        assert await app.modules.bootstrap_missing() == ["addon"]
        assert await app.store.fetchval("SELECT COUNT(*) FROM automations") == 1
        assert await app.modules.bootstrap_missing() == []


async def test_unknown_module_names_the_known_ones(app: App) -> None:
    with pytest.raises(ModuleError, match=r"known modules: .*crm"):
        await app.modules.enable("crn")


async def test_migrations_are_applied_once(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    async with open_app(db, modules=[BASE]) as app:
        first = await app.store.fetchall("SELECT scope, version FROM schema_migrations ORDER BY scope")
    async with open_app(db, modules=[BASE]) as app:
        again = await app.store.fetchall("SELECT scope, version FROM schema_migrations ORDER BY scope")
    assert first == again and {"scope": "module:base", "version": 1} in first
