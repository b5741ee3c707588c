"""Budget tiers (Pattern 3): thresholds, compact rendering, the 14-day drop ranking, tiers changing mid-run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from server import manifest
from server.app import App
from server.manifest import ranking, render, selection
from server.resilience.loop_guard import LoopGuard
from server.testing import FakeClock, McpHarness
from server.tokens import get_counter

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("used", "budget", "tier"), [
    (0, 100, "full"), (50, 100, "full"), (51, 100, "compact"), (75, 100, "compact"), (76, 100, "drop"),
    (200, 100, "drop"), (60_000, 120_000, "full"), (60_001, 120_000, "compact"), (90_000, 120_000, "compact"),
    (90_001, 120_000, "drop"), (3, 4, "compact"), (2, 4, "full"),
])
def test_thresholds_at_the_edges(used: int, budget: int, tier: str) -> None:
    assert manifest.resolve_tier(used, budget) == tier
    explained = manifest.explain_tier(used, budget)
    assert explained.startswith(f"{tier}: {used:,} of {budget:,} tokens used") and "Meta-tools" in explained


def test_a_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        manifest.resolve_tier(10, 0)


def test_truncation_keeps_whole_words_within_80_characters() -> None:
    text = "Create a lead from an email address. Use when a new prospect appears; NOT for existing customers."
    cut = render.truncate(text)
    assert cut == "Create a lead from an email address. Use when a new prospect appears; NOT for…"
    assert render.truncate("Short enough.") == "Short enough."
    assert render.truncate("First paragraph.\n\nSecond paragraph is dropped.") == "First paragraph."
    exactly = "x" * 75 + " done"
    assert render.truncate(exactly) == exactly  # 80 characters fit as they are
    assert render.truncate("y" * 79 + " tail") == "y" * 79 + "…"  # the cut lands on a space: keep the word
    assert render.truncate("z" * 120) == "z" * 79 + "…"  # one endless word: cut it, still <= 80


def _keywords(schema: Any) -> Iterator[str]:
    """Every JSON-schema keyword in ``schema``, skipping the names inside properties / $defs maps."""
    if isinstance(schema, list):
        for item in schema:
            yield from _keywords(item)
    elif isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    yield from _keywords(sub)
            else:
                yield key
                yield from _keywords(value)


HINTS = ("read_only_hint", "destructive_hint", "idempotent_hint", "open_world_hint")


async def test_compact_keeps_title_hints_and_every_parameter_and_strips_the_rest(app: App) -> None:
    for skill in await manifest.enabled_skills(app):
        full, spec = skill.input_schema(), render.skill_spec(skill)
        compact = render.tier_schema(spec, "compact")
        description = render.compact_description(skill.description)
        folded = " ".join(skill.description.split())
        assert len(description) <= 80 and folded.startswith(description.rstrip("…")), skill.name
        if description.endswith("…"):  # cut at a word boundary: the next character is not inside a word
            assert not folded[len(description) - 1].isalnum(), skill.name
        assert not {"description", "title", "default"} & set(_keywords(compact)), skill.name
        assert set(compact.get("properties", {})) == set(full.get("properties", {})), skill.name
        assert compact.get("required") == full.get("required"), skill.name
        dropped = render.tier_schema(spec, "drop")
        assert set(dropped.get("properties", {})) == set(full.get("required", [])), skill.name
        for name, prop in compact.get("properties", {}).items():
            assert {"type", "$ref", "enum", "anyOf", "const"} & set(prop), f"{skill.name}.{name} lost its type"
        for tier in ("compact", "drop"):
            tool, function = render.mcp_tool(spec, tier), render.openai_function(spec, tier)
            said = tool.description or ""
            assert tool.title == skill.title and tool.output_schema is None and said.startswith(description)
            assert tool.annotations is not None and all(getattr(tool.annotations, h) is not None for h in HINTS)
            assert (tool.annotations.read_only_hint, tool.annotations.idempotent_hint) == (
                skill.hints.read_only, skill.hints.idempotent)
            assert function["function"]["parameters"] == tool.input_schema == (compact if tier == "compact"
                                                                                else dropped)
            assert function["function"]["description"] == said
            assert said == description or (tier == "drop" and "describe_skill" in said)


def test_compact_description_is_the_first_sentence_cut_at_a_word() -> None:
    assert render.compact_description("Create a lead from an email address. Use when a new prospect appears; "
                                      "NOT for existing customers.") == "Create a lead from an email address."
    assert render.compact_description("Search, e.g. by name. Then more.") == "Search, e.g. by name."
    long = "Summarise sales over a date range with every total a manager could want to see today and more"
    cut = render.compact_description(long)
    assert cut == "Summarise sales over a date range with every total a manager could want to see…"


async def test_nested_definitions_lose_their_descriptions_but_keep_their_shape(app: App) -> None:
    spec = render.skill_spec(app.registry.skills["invoicing_create_invoice"])
    full, compact = spec.input_schema, render.tier_schema(spec, "compact")
    assert full["$defs"] and "description" in json.dumps(full["$defs"])
    for name, definition in compact["$defs"].items():
        # Compact keeps every field of a nested object, as it does the tool's own parameters: only the
        # descriptions go.
        assert set(definition["properties"]) == set(full["$defs"][name]["properties"])
        assert definition.get("required") == full["$defs"][name].get("required")
        assert "description" not in set(_keywords(definition))
    assert compact["properties"]["lines"]["items"] == {"$ref": f"#/$defs/{next(iter(compact['$defs']))}"}


async def test_compact_lists_every_skill_and_is_far_smaller_than_full(app: App) -> None:
    counter = await get_counter()
    enabled = [s.name for s in await manifest.enabled_skills(app)]
    sizes = {}
    for tier in manifest.TIERS:
        tools = await manifest.mcp_tools(app, tier)
        names = [t.name for t in tools]
        assert names[:4] == list(manifest.META_TOOLS) and names[4:] == sorted(names[4:])
        if tier != "drop":
            assert names[4:] == enabled
        sizes[tier] = counter.count_json(render.tools_list_json(tools))
    assert sizes["compact"] <= 0.40 * sizes["full"]
    assert sizes["drop"] <= 0.08 * sizes["full"]
    # Compact in the format the reasoning loop sends: every parameter kept, still at most 55 % of full.
    openai = {tier: counter.count_json(await manifest.openai_tools(app, tier)) for tier in ("full", "compact")}
    assert openai["compact"] <= 0.55 * openai["full"]


async def _use(app: App, skill: str, at: datetime, times: int = 1, *, status: str = "ok", attempts: int = 1,
               caller: str = "pilot") -> None:
    row = (at.isoformat(timespec="seconds"), caller, skill, status, "success" if status == "ok" else "neutral",
           attempts)
    async with app.store.transaction() as tx:
        await tx.executemany("INSERT INTO activity (ts, caller, skill, status, outcome, attempts) "
                             "VALUES (?, ?, ?, ?, ?, ?)", [row] * times)


async def test_usage_counts_executed_calls_of_the_last_14_days_only(app: App, clock: FakeClock) -> None:
    now = clock.now()
    await _use(app, "blog_create_post", now - timedelta(days=14), 5)  # exactly 14 days ago: inside
    await _use(app, "crm_create_lead", now - timedelta(days=14, seconds=1), 9)  # one second older: ignored
    await _use(app, "crm_list_leads", now - timedelta(hours=1), 3, caller="mcp")
    await _use(app, "blog_list_posts", now - timedelta(hours=1), 3, caller="cli")
    await _use(app, "crm_get_lead", now - timedelta(hours=2), 3, status="error", caller="automation")  # failed: use
    await _use(app, "crm_move_deal", now, 10, status="error", attempts=0)  # refused before running: not use
    await _use(app, "crm_create_deal", now, 10, status="pending", attempts=0)  # awaiting approval: not use
    usage = await ranking.usage_counts(app.store, now)
    assert set(usage) == {"blog_create_post", "crm_list_leads", "blog_list_posts", "crm_get_lead"}
    skills = await manifest.enabled_skills(app)
    ranked = [s.name for s in await ranking.ranked_skills(app.store, skills, list(app.registry.modules), now)]
    # By use; equal use: the most recent first; equal use at the same time: by name.
    assert ranked[:4] == ["blog_create_post", "blog_list_posts", "crm_list_leads", "crm_get_lead"]
    drop = [s.name for s in await manifest.tier_skills(app, "drop")]
    assert set(ranked[:4]) <= set(drop) and drop == sorted(drop)
    clock.advance(minutes=30)  # half an hour later the post's burst has aged out of the window
    assert set(await ranking.usage_counts(app.store, clock.now())) == {"crm_list_leads", "blog_list_posts",
                                                                        "crm_get_lead"}


async def test_drop_follows_real_calls_through_the_executor(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    for _ in range(3):
        await mcp.call("blog_list_posts")
    clock.advance(days=15)  # older use is ignored
    for _ in range(2):
        await mcp.call("crm_pipeline_summary")
    await mcp.error("blog_publish_post", post_id=9)  # a failed call is still use
    await mcp.error("crm_get_lead", lead_id="not a number")  # a refused call is not
    usage = await ranking.usage_counts(app.store, clock.now())
    assert usage.keys() == {"crm_pipeline_summary", "blog_publish_post"}
    assert {"crm_pipeline_summary", "blog_publish_post"} <= {s.name for s in await manifest.tier_skills(app, "drop")}


async def test_cold_start_ranking_is_deterministic_reads_without_arguments_first(app: App) -> None:
    skills = await manifest.enabled_skills(app)
    order = list(app.registry.modules)
    ranked = ranking.rank(skills, {}, order)
    assert ranked == ranking.rank(list(reversed(skills)), {}, order)  # the input order does not matter
    keys = [(not s.hints.read_only, bool(s.input_schema().get("required"))) for s in ranked]
    assert keys == sorted(keys)  # reads before writes; within each, callable-without-arguments first
    assert ranked[0].name == "crm_pipeline_summary"  # an overview of the first module beats its lists
    drop = await manifest.tier_skills(app, "drop")
    # The best-ranked skills, at most DROP_SIZE, as many as the drop tier's token cap holds.
    assert 15 <= len(drop) <= ranking.DROP_SIZE and {s.name for s in drop} == {s.name for s in ranked[:len(drop)]}
    assert all(s.hints.read_only for s in drop)


async def test_drop_never_exceeds_its_token_cap_and_left_out_skills_stay_callable(app: App, clock: FakeClock) -> None:
    counter = await get_counter()
    skills = await manifest.enabled_skills(app)
    heaviest = sorted(skills, key=lambda s: -counter.count_json(render.tier_schema(render.skill_spec(s), "drop")))
    for i, skill in enumerate(heaviest[:30]):
        await _use(app, skill.name, clock.now(), 100 - i)
    drop = await manifest.tier_skills(app, "drop")
    listed = await manifest.mcp_tools(app, "drop")
    mcp_tokens = counter.count_json([render.model_visible(t) for t in listed])  # what a host shows its model
    openai_tokens = counter.count_json(await manifest.openai_tools(app, "drop"))
    assert max(mcp_tokens, openai_tokens) <= manifest.DROP_TOKEN_CAP
    assert all(t.title and t.annotations and t.annotations.open_world_hint is not None for t in listed)
    assert 0 < len(drop) < ranking.DROP_SIZE  # heavy schemas: fewer skills, never more tokens
    left_out = next(s.name for s in heaviest if s not in drop)
    described = await manifest.call_tool(app, "describe_skill", {"name": left_out}, caller="pilot")
    assert described.output is not None
    assert described.ok and described.output["input_schema"] == app.registry.skills[left_out].input_schema()


async def test_tier_changes_mid_run_as_the_conversation_grows(app: App) -> None:
    """The seam the reasoning loop uses: on every iteration, count, resolve the tier, build the tools."""
    counter, guard, budget = await get_counter(), LoopGuard(), 6_000
    messages: list[dict[str, Any]] = [{"role": "system", "content": "You run a small business backend."},
                                      {"role": "user", "content": "Add this week's leads, then review them."}]
    seen: list[tuple[str, int, list[str]]] = []
    for i in range(40):
        used = counter.count_messages(messages)
        tier = manifest.resolve_tier(used, budget)
        tools = await manifest.openai_tools(app, tier)
        names = [t["function"]["name"] for t in tools]
        assert names[:4] == list(manifest.META_TOOLS)
        seen.append((tier, counter.count_json(tools), names))
        if tier == "drop":
            break
        # The model adds a lead, then lists them all: each result is longer than the last.
        for n, (name, arguments) in enumerate([("crm_create_lead", {"email": f"lead{i}@example.com",
                                                                   "name": f"Lead number {i}"}),
                                               ("crm_list_leads", {"limit": 200})]):
            result = await manifest.call_tool(app, name, arguments, caller="pilot", run_id="run-1", guard=guard)
            assert result.ok, result.message
            call_id = f"call_{i}_{n}"
            messages.append({"role": "assistant", "content": None, "tool_calls": [{
                "id": call_id, "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments)}}]})
            messages.append({"role": "tool", "tool_call_id": call_id, "content": result.text})
    tiers = [t for t, _, _ in seen]
    assert tiers[0] == "full" and tiers[-1] == "drop" and "compact" in tiers
    assert tiers == sorted(tiers, key=manifest.TIERS.index)  # it only ever degrades
    size = {t: s for t, s, _ in seen}
    assert size["full"] > size["compact"] > size["drop"]
    # In drop, the skills this run used most are among the listed ones (usage counts within the run too).
    assert {"crm_create_lead", "crm_list_leads"} <= set(seen[-1][2])
    assert len(seen[-1][2]) <= 4 + ranking.DROP_SIZE


async def test_catalog_token_costs_are_cached_per_definition(app: App) -> None:
    counter = await get_counter()
    skill = app.registry.skills["crm_list_leads"]
    assert render.skill_spec(skill) is render.skill_spec(skill)
    assert selection._tool_tokens(counter, render.skill_spec(skill)) == selection._tool_tokens(
        counter, render.skill_spec(skill))
