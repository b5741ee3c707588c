"""Budget tiers (Pattern 3) and the meta-tools that keep every skill in reach."""

from __future__ import annotations

import json

import pytest
from mcp import Client

from server import manifest
from server.app import App, open_app
from server.manifest import meta_tools, ranking, render
from server.manifest.launch import choose_tier
from server.mcp.surface import Surface
from server.tokens import get_counter
from tests.support import FakeClock, McpHarness, bulk_module

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("used", "tier"), [(0, "full"), (50, "full"), (51, "compact"), (75, "compact"),
                                            (76, "drop"), (200, "drop")])
def test_thresholds_at_the_edges(used: int, tier: str) -> None:
    assert manifest.resolve_tier(used, 100) == tier
    assert manifest.explain_tier(used, 100).startswith(tier)


def test_truncation_keeps_whole_words_within_80_characters() -> None:
    text = "Create a lead from an email address. Use when a new prospect appears; NOT for existing customers."
    cut = render.truncate(text)
    assert len(cut) <= 80 and cut.endswith("…") and text.startswith(cut[:-1])
    assert render.truncate("Short enough.") == "Short enough."
    assert render.truncate("First paragraph.\n\nSecond paragraph is dropped.") == "First paragraph."


async def test_compact_schema_keeps_types_and_required_but_no_descriptions(app: App) -> None:
    skill = app.registry.skills["crm_list_leads"]
    schema = render.minimal_schema(skill.input_schema())
    assert "description" not in json.dumps(schema)
    assert schema["properties"]["status"]["enum"] == ["new", "qualified", "contacted", "converted", "lost"]
    assert schema["properties"]["min_score"] == {"type": "integer"}  # bounds are checked by the server
    created = render.minimal_schema(app.registry.skills["crm_create_lead"].input_schema())
    assert created["required"] == ["email"]


async def test_tiers_shrink_and_meta_tools_are_always_first(app: App) -> None:
    counter = await get_counter()
    sizes = {}
    for tier in manifest.TIERS:
        tools = await manifest.mcp_tools(app, tier)
        assert [t.name for t in tools[:3]] == list(meta_tools.NAMES)
        sizes[tier] = counter.count_json(render.tools_list_json(tools))
    assert sizes["compact"] < 0.5 * sizes["full"]
    assert sizes["drop"] <= sizes["compact"]


async def test_drop_ranks_by_use_over_the_last_14_days(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    for _ in range(3):
        await mcp.call("blog_list_posts")
    clock.advance(days=15)  # older use is ignored
    for _ in range(2):
        await mcp.call("crm_pipeline_summary")
    await mcp.call("crm_list_companies")
    await mcp.error("blog_publish_post", post_id=9)  # a failed call is still use
    await mcp.error("crm_get_lead", lead_id="not a number")  # a refused call is not
    top = [s.name for s in await manifest.tier_skills(app, "drop")]
    assert top[:3] == ["crm_pipeline_summary", "blog_publish_post", "crm_list_companies"]
    assert len(top) <= ranking.DROP_SIZE


async def test_cold_start_ranking_is_deterministic_reads_first(app: App) -> None:
    first = [s.name for s in await manifest.tier_skills(app, "drop")]
    again = [s.name for s in await manifest.tier_skills(app, "drop")]
    assert first == again
    flags = [app.registry.skills[n].hints.read_only for n in first]
    assert flags == sorted(flags, reverse=True)  # every read-only skill before any write


async def test_tier_changes_mid_loop_as_the_conversation_grows(app: App) -> None:
    budget, tiers, sizes = 1000, [], []
    for used in (100, 400, 520, 700, 760, 990):
        tier = manifest.resolve_tier(used, budget)
        tiers.append(tier)
        sizes.append(len(json.dumps(await manifest.openai_tools(app, tier))))
    assert tiers == ["full", "full", "compact", "compact", "drop", "drop"]
    assert sizes[2] < sizes[0]


async def test_every_skill_is_reachable_by_words_from_its_description(app: App, mcp: McpHarness) -> None:
    enabled = [s.name for s in await manifest.enabled_skills(app)]
    missing = []
    for name in enabled:
        query = app.registry.skills[name].description.split(".")[0]
        found = await mcp.call("search_skills", query=query, limit=10)
        if name not in [r["name"] for r in found["results"]]:
            missing.append(name)
    assert not missing


async def test_meta_tools_with_bad_input(mcp: McpHarness) -> None:
    assert "needs a `query`" in await mcp.error("search_skills", query="  ")
    assert "Did you mean: crm_get_lead" in await mcp.error("describe_skill", name="crm_get_leed")
    assert "needs `name`" in await mcp.error("execute_skill", arguments={})
    assert "must be a JSON object" in await mcp.error("execute_skill", name="crm_get_lead", arguments=[1])
    described = await mcp.call("describe_skill", name="crm_move_deal")
    assert described["input_schema"]["required"] == ["deal_id", "stage"] and "won and lost" in described["instructions"]


async def test_execute_skill_has_the_same_validation_and_errors_as_a_direct_call(mcp: McpHarness) -> None:
    direct = await mcp.error("crm_create_lead", email="nope")
    via_meta = await mcp.error("execute_skill", name="crm_create_lead", arguments={"email": "nope"})
    assert direct == via_meta
    lead = await mcp.call("execute_skill", name="crm_create_lead", arguments={"email": "meta@acme.io"})
    assert lead["email"] == "meta@acme.io"


async def test_mcp_tier_is_fixed_per_launch_and_dropped_skills_stay_callable(clock: FakeClock) -> None:
    async with open_app(":memory:", modules=[bulk_module(40)], clock=clock) as app:
        surface = Surface(app, "drop")
        async with Client(surface.server, raise_exceptions=True) as client:
            listed = [t.name for t in (await client.list_tools(cache_mode="refresh")).tools]
            await client.call_tool("bulk_echo_039", {"value": "used"})  # use after launch: the list stays
            again = [t.name for t in (await client.list_tools(cache_mode="refresh")).tools]
            assert listed == again and listed[:3] == list(meta_tools.NAMES)
            assert len(listed) == 3 + ranking.DROP_SIZE and "bulk_echo_039" not in listed
            result = await client.call_tool("bulk_echo_039", {"value": "still callable"})
            assert not result.is_error and result.structured_content == {"value": "still callable"}


async def test_auto_picks_the_richest_tier_that_fits(app: App) -> None:
    roomy = await choose_tier(app, "auto", context_tokens=1_000_000, share=0.05)
    assert roomy.tier == "full"
    tight = await choose_tier(app, "auto", context_tokens=roomy.tokens["compact"] * 20, share=0.05)
    assert tight.tier == "compact"
    tiny = await choose_tier(app, "auto", context_tokens=100, share=0.05)
    assert tiny.tier == "drop"
