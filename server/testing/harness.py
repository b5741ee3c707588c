"""A thin wrapper over the real MCP SDK client, so tests call tools the way a model's client does."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mcp import Client
from mcp.types import CallToolResult, TextContent

__all__ = ["McpHarness", "ToolError"]


class ToolError(AssertionError):
    """A tool call that the test expected to succeed came back with isError."""


@dataclass
class McpHarness:
    """Calls tools through the real SDK client and records which skills the tests exercised."""

    client: Client
    called: set[str] = field(default_factory=set)

    async def call(self, __tool: str, /, **arguments: Any) -> Any:
        """Call a tool that must succeed, and return its structured result (or its JSON text, parsed)."""
        # Positional-only so a skill may have an argument called `name` or `tool`.
        name = __tool
        result = await self.client.call_tool(name, arguments)
        self.called.add(name)
        text = _text(result)
        if result.is_error:
            raise ToolError(f"{name} failed: {text}")
        return result.structured_content if result.structured_content is not None else json.loads(text)

    async def call_noted(self, __tool: str, /, **arguments: Any) -> tuple[Any, str]:
        """Like ``call``, plus what the server said beside the answer (``"queued, not sent: ..."``), or ""."""
        name = __tool
        result = await self.client.call_tool(name, arguments)
        self.called.add(name)
        if result.is_error:
            raise ToolError(f"{name} failed: {_text(result)}")
        notes = "\n".join(c.text for c in result.content[1:] if isinstance(c, TextContent))
        answer = result.structured_content if result.structured_content is not None else json.loads(_text(result))
        return answer, notes

    async def error(self, __tool: str, /, **arguments: Any) -> str:
        """Call a tool that must fail, and return the error message a model would read."""
        name = __tool
        result = await self.client.call_tool(name, arguments)
        self.called.add(name)
        text = _text(result)
        if not result.is_error:
            raise AssertionError(f"{name} was expected to fail but returned {text[:300]}")
        return text

    async def tool_names(self) -> list[str]:
        """Every tool the server lists, across pages, bypassing the client's cache."""
        names: list[str] = []
        cursor: str | None = None
        while True:
            page = await self.client.list_tools(cursor=cursor, cache_mode="refresh")
            names += [t.name for t in page.tools]
            cursor = page.next_cursor
            if not cursor:
                return names


def _text(result: CallToolResult) -> str:
    # Our server puts the whole answer (or the error) in one text block, first.
    first = result.content[0] if result.content else None
    return first.text if isinstance(first, TextContent) else ""
