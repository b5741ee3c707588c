"""Tiers over MCP: one tier per launch, the real SDK client, `serve --tier` and `pilothouse manifest`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from server import manifest
from server.app import App
from server.assembly import open_app
from server.cli.main import main
from server.errors import ConfigError
from server.manifest import ranking
from server.manifest.launch import choose_tier, requested_tier
from server.mcp.surface import LIST_TTL_MS, Surface
from server.testing import FakeClock, bulk_module
from server.tokens import get_counter

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("tier", ["full", "compact", "drop"])
async def test_each_tier_lists_meta_tools_then_its_skills_by_name(app: App, tier: manifest.Tier) -> None:
    expected = list(manifest.META_TOOLS) + [s.name for s in await manifest.tier_skills(app, tier)]
    async with Client(Surface(app, tier).server, raise_exceptions=True) as client:
        tools, cursor = {}, None
        while True:  # every page
            page = await client.list_tools(cursor=cursor, cache_mode="refresh")
            assert page.ttl_ms == LIST_TTL_MS  # the cache hint, whatever the tier
            tools.update({t.name: t for t in page.tools})
            cursor = page.next_cursor
            if not cursor:
                break
        assert list(tools) == expected and expected[4:] == sorted(expected[4:])
        leads = tools.get("crm_list_leads") or tools["crm_pipeline_summary"]
        if tier == "full":
            assert leads.output_schema and leads.title and "description" in json.dumps(leads.input_schema)
        else:
            assert leads.output_schema is None and leads.title  # every tier keeps the title and the hints
            assert leads.annotations is not None and leads.annotations.read_only_hint is True
            assert leads.annotations.destructive_hint is False and leads.annotations.open_world_hint is False
            assert leads.description is not None
            short = leads.description.split(" Optional (describe_skill): ")[0]  # drop names what it left out
            assert "description" not in json.dumps(leads.input_schema) and len(short) <= 80
        if tier == "drop":
            assert len(tools) <= 4 + ranking.DROP_SIZE
        search = await client.call_tool("search_skills", {"query": "create a lead"})
        assert not search.is_error and search.structured_content["results"][0]["name"] == "crm_create_lead"


async def test_mcp_tier_is_fixed_per_launch_and_dropped_skills_stay_callable(clock: FakeClock) -> None:
    async with open_app(":memory:", modules=[bulk_module(40)], clock=clock) as app:
        surface = Surface(app, "drop")
        await surface.listing.freeze()  # what `serve` does at launch
        async with Client(surface.server, raise_exceptions=True) as client:
            listed = [t.name for t in (await client.list_tools(cache_mode="refresh")).tools]
            for _ in range(5):  # heavy use after launch does not reshuffle the list
                await client.call_tool("bulk_echo_039", {"value": "used"})
            again = [t.name for t in (await client.list_tools(cache_mode="refresh")).tools]
            assert listed == again and listed[:4] == list(manifest.META_TOOLS)
            assert len(listed) == 4 + ranking.DROP_SIZE and "bulk_echo_039" not in listed
            direct = await client.call_tool("bulk_echo_039", {"value": "still callable"})
            assert not direct.is_error and direct.structured_content == {"value": "still callable"}
            via_meta = await client.call_tool("execute_skill", {"name": "bulk_echo_039", "arguments": {"value": "x"}})
            assert not via_meta.is_error and via_meta.structured_content == {"value": "x"}
        # The next launch ranks by the use so far: the skill used most now makes the list.
        assert "bulk_echo_039" in [s.name for s in await manifest.tier_skills(app, "drop")]


async def test_auto_picks_full_when_it_fits_and_compact_otherwise(app: App) -> None:
    counter = await get_counter()
    # What the client's model reads of each tier (titles and hints stay with the host).
    measured = {t: counter.count_json([manifest.render.model_visible(x) for x in await manifest.mcp_tools(app, t)])
                for t in manifest.TIERS}
    roomy = await choose_tier(app, "auto", context_tokens=measured["full"] * 20, share=0.05)
    assert roomy.tier == "full" and roomy.tokens == measured
    assert (await choose_tier(app, "auto", context_tokens=measured["full"] * 20 - 40, share=0.05)).tier == "compact"
    assert (await choose_tier(app, "auto", context_tokens=measured["compact"] * 20, share=0.05)).tier == "compact"
    # A host never gets drop from auto: it would lose tools and parameters (drop is the loop's tier).
    assert (await choose_tier(app, "auto", context_tokens=measured["compact"] * 10, share=0.05)).tier == "compact"
    assert (await choose_tier(app, "auto", context_tokens=100, share=0.05)).tier == "compact"
    default = await choose_tier(app, "auto")
    assert default.limit == 10_000 and default.tier == "compact" and measured["full"] > 10_000
    assert (await choose_tier(app, "drop", context_tokens=10**9)).tier == "drop"  # explicit wins
    with pytest.raises(ConfigError, match="tool-share"):
        await choose_tier(app, "auto", share=0)


def test_tier_comes_from_the_flag_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PILOTHOUSE_TIER", raising=False)
    assert requested_tier(None) == "auto"
    monkeypatch.setenv("PILOTHOUSE_TIER", "Compact")
    assert requested_tier(None) == "compact" and requested_tier("drop") == "drop"
    with pytest.raises(ConfigError, match="full, compact, drop or auto"):
        requested_tier("tiny")


def _cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_manifest_command_prints_tiers_sizes_and_budget_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "manifest.db"
    code, out, _ = _cli(capsys, db, "manifest", "--used", "90000", "--budget", "120000")
    assert code == 0 and out.startswith("compact: 90,000 of 120,000 tokens used (75.0%)")
    assert _cli(capsys, db, "manifest", "--used", "90001", "--budget", "120000")[1].startswith("drop:")
    code, _, err = _cli(capsys, db, "manifest", "--used", "5")
    assert code == 2 and "go together" in err
    code, out, _ = _cli(capsys, db, "manifest", "--tier", "drop", "--format", "openai", "--json")
    functions = json.loads(out)
    assert [f["function"]["name"] for f in functions[:4]] == list(manifest.META_TOOLS) and len(functions) <= 24
    code, out, _ = _cli(capsys, db, "manifest", "--tier", "compact")
    assert code == 0 and "compact tier, mcp format" in out and "tokens (" in out and "crm_create_lead" in out
    code, out, _ = _cli(capsys, db, "manifest", "--tier", "auto", "--context-tokens", "1000000")
    assert code == 0 and "full tier (auto: full fits within 5% of 1,000,000 tokens" in out


def test_serve_refuses_an_unknown_tier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PILOTHOUSE_TIER", "tiny")
    code, _, err = _cli(capsys, tmp_path / "serve.db", "serve")
    assert code == 2 and "unknown tier 'tiny'" in err


async def test_serve_over_stdio_with_the_drop_tier_from_the_environment(tmp_path: Path) -> None:
    env = {**os.environ, "PILOTHOUSE_DB": str(tmp_path / "stdio.db"), "PILOTHOUSE_TIER": "drop"}
    params = StdioServerParameters(command=sys.executable, args=["-m", "server.cli.main", "serve"], env=env)
    async with Client(params) as client:
        names = [t.name for t in (await client.list_tools()).tools]
        assert names[:4] == list(manifest.META_TOOLS) and len(names) <= 4 + ranking.DROP_SIZE
        assert "crm_create_lead" not in names  # a write, cold start: not listed, yet callable
        created = await client.call_tool("crm_create_lead", {"email": "drop@acme.io"})
        assert not created.is_error and created.structured_content["email"] == "drop@acme.io"


async def test_auto_tier_is_measured_once_per_catalog(app: App) -> None:
    from server.manifest.launch import launch_tier

    first = await launch_tier(app, "auto")
    assert await app.store.fetchval("SELECT COUNT(*) FROM runtime_cache") == 1
    again = await launch_tier(app, "auto")
    assert again == first
    await app.modules.disable("blog")  # a different catalog is measured anew
    await launch_tier(app, "auto")
    assert await app.store.fetchval("SELECT COUNT(*) FROM runtime_cache") == 2
    assert await app.store.fetchval("SELECT COUNT(*) FROM memory WHERE key LIKE 'mcp_tier%'") == 0
    assert (await launch_tier(app, "compact")).tier == "compact"
