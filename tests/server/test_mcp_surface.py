import mcp_types as types
import pytest

from server.testing import McpHarness

pytestmark = pytest.mark.anyio


async def test_tools_are_the_enabled_skills_in_name_order(mcp_any_era: McpHarness) -> None:
    harness = mcp_any_era
    names = await harness.tool_names()
    assert names[:4] == ["search_skills", "describe_skill", "execute_read_skill", "execute_skill"]
    assert "crm_create_lead" in names and "blog_create_post" in names
    assert names[4:] == sorted(names[4:])


async def test_call_returns_structured_content_and_validation_errors_say_what_to_fix(
    mcp_any_era: McpHarness,
) -> None:
    harness = mcp_any_era
    lead = await harness.call("crm_create_lead", email="ann@acme.io", name="Ann")
    assert lead["status"] == "new" and lead["id"] == 1
    message = await harness.error("crm_create_lead", email="not-an-email")
    assert "'email'" in message and "Fix these" in message
    message = await harness.error("crm_create_lead", email="b@acme.io", colour="red")
    assert "'colour' is not a parameter" in message


async def test_tool_definition_carries_schema_title_and_annotations(mcp: McpHarness) -> None:
    tools = {t.name: t for t in (await mcp.client.list_tools(cache_mode="refresh")).tools}
    listing = tools["crm_list_leads"]
    assert listing.title == "List leads"
    assert listing.annotations is not None and listing.annotations.read_only_hint is True
    assert listing.input_schema["properties"]["status"]["description"] == "Only leads in this status."
    assert listing.output_schema is not None and listing.output_schema["type"] == "object"
    archive = tools["blog_archive_post"].annotations
    assert archive is not None and archive.destructive_hint is True


async def test_instructions_are_resources(mcp: McpHarness) -> None:
    resources = await mcp.client.list_resources()
    uris = [str(r.uri) for r in resources.resources]
    assert "skill://crm_qualify_leads/instructions" in uris
    read = await mcp.client.read_resource("skill://crm_qualify_leads/instructions")
    contents = read.contents[0]
    assert isinstance(contents, types.TextResourceContents) and "Scores every lead" in contents.text
