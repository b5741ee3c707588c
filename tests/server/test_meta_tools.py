"""The meta-tools: every enabled skill findable, describable and runnable whatever the tier."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from server import manifest
from server.app import App
from server.errors import LoopDetected
from server.manifest.meta_tools import MetaTools
from server.manifest.search import search, stem
from server.registry import Registry
from server.resilience.loop_guard import LoopGuard
from server.testing import McpHarness
from skills import ContractError, Module, Skill, SkillContext, definition_of, skill

pytestmark = pytest.mark.anyio


async def test_every_enabled_skill_is_found_by_words_from_its_description(app: App) -> None:
    meta, missing = MetaTools(app), []
    for s in await manifest.enabled_skills(app):
        query = s.description.split(".")[0]  # the first sentence, as a person would paraphrase the need
        found = await meta.call("search_skills", {"query": query, "limit": 5}, caller="pilot")
        assert found.output is not None
        if s.name not in [r["name"] for r in found.output["results"]]:
            missing.append(f"{s.name} <- {query!r}")
    assert not missing


async def test_search_over_mcp_returns_ranked_short_results(mcp: McpHarness) -> None:
    found = await mcp.call("search_skills", query="overdue invoices")
    results = found["results"]
    assert results[0]["name"].startswith("invoicing_") and "overdue" in results[0]["description"].lower()
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert all(len(r["description"]) <= 80 and r["title"] for r in results)
    plural = await mcp.call("search_skills", query="companies", limit=3)
    singular = await mcp.call("search_skills", query="Company", limit=3)
    assert "crm_list_companies" in [r["name"] for r in plural["results"]]
    assert plural["results"] == singular["results"]  # case and plural folded the same way
    assert (await mcp.call("search_skills", query="zzyzx quux"))["results"] == []


class Out(BaseModel):
    ok: bool


def _skill(name: str, title: str, doc: str, instructions: str) -> Skill:
    async def handler(ctx: SkillContext) -> Out:
        return Out(ok=True)

    handler.__doc__ = doc
    return definition_of(skill(name=name, title=title, category="system", read_only=True,
                               instructions=instructions)(handler))


def test_names_and_titles_weigh_more_than_descriptions_than_instructions() -> None:
    in_name = _skill("zoo_zebra_count", "Count animals", "Count the animals of the zoo.", "Counts them.")
    in_description = _skill("zoo_stripes", "Stripes", "Find every zebra in the zoo.", "Walks the pens.")
    in_instructions = _skill("zoo_feed", "Feed", "Feed the animals of the zoo.", "Zebras eat hay first.")
    ranked = search([in_instructions, in_description, in_name], "zebras", limit=10)
    assert [s.name for s, _ in ranked] == ["zoo_zebra_count", "zoo_stripes", "zoo_feed"]
    assert stem("companies") == stem("company") and stem("addresses") == "address" and stem("status") == "status"


async def test_describe_gives_the_full_contract(mcp: McpHarness) -> None:
    described = await mcp.call("describe_skill", name="crm_move_deal")
    assert described["input_schema"]["required"] == ["deal_id", "stage"]
    assert described["input_schema"]["properties"]["stage"]["description"]  # full, whatever the tier
    assert described["output_schema"]["type"] == "object" and "won and lost" in described["instructions"]
    assert described["trust"] == "auto" and described["hints"]["read_only"] is False
    assert described["module"] == "crm"


async def test_meta_tools_refuse_bad_input_with_a_clear_message(app: App, mcp: McpHarness) -> None:
    assert "needs a `query`" in await mcp.error("search_skills")
    assert "needs a `query`" in await mcp.error("search_skills", query="  ")
    assert "from 1 to 50" in await mcp.error("search_skills", query="leads", limit=0)
    assert "from 1 to 50" in await mcp.error("search_skills", query="leads", limit="5")
    assert "only `query` and `limit`" in await mcp.error("search_skills", query="leads", module="crm")
    assert "Did you mean: crm_get_lead" in await mcp.error("describe_skill", name="crm_get_leed")
    assert "search_skills" in await mcp.error("describe_skill", name="completely_unknown")
    assert "needs `name`" in await mcp.error("describe_skill")
    assert "needs `name`" in await mcp.error("execute_skill", arguments={})
    assert "must be a JSON object" in await mcp.error("execute_skill", name="crm_get_lead", arguments=[1])
    assert "is a meta-tool" in await mcp.error("execute_skill", name="search_skills", arguments={"query": "x"})
    # Arguments that are not an object at all (the reasoning loop can receive anything from a model).
    for name in ("search_skills", "describe_skill", "execute_skill", "crm_list_leads"):
        result = await manifest.call_tool(app, name, ["not", "an", "object"], caller="pilot")
        assert not result.ok and "one JSON object" in result.message


async def test_describe_says_how_to_enable_a_disabled_skill(app: App, mcp: McpHarness) -> None:
    await app.modules.disable("blog")
    message = await mcp.error("describe_skill", name="blog_create_post")
    assert "not enabled" in message and "pilothouse modules enable blog" in message
    found = await mcp.call("search_skills", query="blog post draft")
    assert not [r for r in found["results"] if r["name"].startswith("blog_")]  # only enabled skills are found


async def test_execute_skill_is_the_direct_call(app: App, mcp: McpHarness) -> None:
    direct = await mcp.error("crm_create_lead", email="nope")
    assert direct == await mcp.error("execute_skill", name="crm_create_lead", arguments={"email": "nope"})
    assert await mcp.error("crm_get_lead", lead_id=404) == await mcp.error(
        "execute_skill", name="crm_get_lead", arguments={"lead_id": 404})
    lead = await mcp.call("execute_skill", name="crm_create_lead", arguments={"email": "meta@acme.io"})
    assert lead["email"] == "meta@acme.io"
    row = await app.store.fetchone("SELECT skill, caller FROM activity WHERE status = 'ok' ORDER BY id DESC")
    assert row is not None
    assert dict(row) == {"skill": "crm_create_lead", "caller": "mcp"}  # logged as the skill, not the meta-tool
    # An approve-trust skill needs the same confirmation through execute_skill as directly.
    for n in (1, 2):
        await mcp.call("contacts_create", name=f"Person {n}", email=f"p{n}@acme.io")
    refusal = await mcp.error("contacts_merge", keep_id=1, duplicate_id=2)
    assert app.registry.skills["contacts_merge"].trust == "approve" and "confirm" in refusal
    assert refusal == await mcp.error("execute_skill", name="contacts_merge",
                                      arguments={"keep_id": 1, "duplicate_id": 2})


async def test_repeating_the_same_meta_call_is_a_loop(app: App) -> None:
    guard = LoopGuard()
    for _ in range(2):
        assert (await manifest.call_tool(app, "search_skills", {"query": "leads"}, caller="pilot", guard=guard)).ok
    with pytest.raises(LoopDetected):
        await manifest.call_tool(app, "search_skills", {"query": " leads "}, caller="pilot", guard=guard)
    guard = LoopGuard()  # execute_skill is guarded as the skill it runs: the same action, whichever way it comes
    await manifest.call_tool(app, "crm_list_leads", {}, caller="pilot", guard=guard)
    await manifest.call_tool(app, "execute_skill", {"name": "crm_list_leads", "arguments": {}}, caller="pilot",
                             guard=guard)
    with pytest.raises(LoopDetected):
        await manifest.call_tool(app, "execute_skill", {"name": "crm_list_leads"}, caller="pilot", guard=guard)


def test_a_skill_cannot_take_a_meta_tool_name() -> None:
    # prefix= lets the module pass its own name check, so the registry's check is the one that refuses it.
    clash = Module(id="rogue", name="Rogue", description="Shadows a meta-tool.", category="system", version="1",
                   skills=(_skill("search_skills", "Search", "Search everything.", "Nothing."),), prefix="search")
    with pytest.raises(ContractError, match="meta-tool"):
        Registry([clash])


def test_definitions_in_both_formats_and_every_tier() -> None:
    for tier in manifest.TIERS:
        mcp_tools, functions = MetaTools.definitions("mcp", tier), MetaTools.definitions("openai", tier)
        assert [t.name for t in mcp_tools] == [f["function"]["name"] for f in functions] == list(manifest.META_TOOLS)
        for executor in (2, 3):
            execute = functions[executor]["function"]["parameters"]
            assert execute["required"] == ["name", "arguments"]
            # execute_skill also takes the caller's idempotency key and a dry run, in every tier
            optional = {"idempotency_key", "dry_run"} if executor == 3 else set()
            assert set(execute["properties"]) == {"name", "arguments"} | optional
        assert mcp_tools[0].annotations.read_only_hint is True  # search is a read in every tier
        reads = mcp_tools[2].annotations  # the read executor runs only reads: a host may trust it
        assert reads is not None and (reads.read_only_hint, reads.destructive_hint) == (True, False)
        execute_hints = mcp_tools[3].annotations  # unlisted, execute can run anything: the careful hints
        assert execute_hints is not None and (execute_hints.read_only_hint, execute_hints.destructive_hint,
                                              execute_hints.open_world_hint) == (False, True, True)
        assert all(t.title for t in mcp_tools)
    full = MetaTools.definitions("openai", "full")[0]["function"]
    assert "every enabled skill" in full["description"] and full["parameters"]["properties"]["limit"]["maximum"] == 50
