"""The hello pack's own tests: its skills called through the real MCP client, as a model would."""

from __future__ import annotations

import pytest

from server.testing import McpHarness

pytestmark = pytest.mark.anyio


async def test_the_pack_skills_are_tools(mcp: McpHarness) -> None:
    names = await mcp.tool_names()
    assert {"hello_greet", "hello_count"} <= set(names)


async def test_greetings_are_stored_and_counted(mcp_any_era: McpHarness) -> None:
    mcp = mcp_any_era
    assert await mcp.call("hello_count") == {"count": 0}  # each test starts on a fresh database
    ada = await mcp.call("hello_greet", name="Ada")
    grace = await mcp.call("hello_greet", name="Grace")
    assert (ada["text"], grace["text"]) == ("Hello, Ada!", "Hello, Grace!")
    assert ada["id"] != grace["id"]
    assert await mcp.call("hello_count") == {"count": 2}
    assert mcp.called == {"hello_greet", "hello_count"}


async def test_a_greeting_needs_a_name(mcp: McpHarness) -> None:
    message = await mcp.error("hello_greet")
    assert "name" in message
    assert await mcp.call("hello_count") == {"count": 0}  # the failed call stored nothing
