"""Helpers shared by the tests: a settable clock and a thin MCP client wrapper."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mcp import Client

from server.testing.bulk import bulk_module

__all__ = ["START", "FakeClock", "McpHarness", "ToolError", "bulk_module"]

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class FakeClock:
    current: datetime = START

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


class ToolError(AssertionError):
    """A tool call that the test expected to succeed came back with isError."""


@dataclass
class McpHarness:
    """Calls tools through the real SDK client and records which skills the tests exercised."""

    client: Client
    called: set[str] = field(default_factory=set)

    async def call(self, __tool: str, /, **arguments: Any) -> Any:
        name = __tool
        result = await self.client.call_tool(name, arguments)
        self.called.add(name)
        text = result.content[0].text if result.content else ""
        if result.is_error:
            raise ToolError(f"{name} failed: {text}")
        return result.structured_content if result.structured_content is not None else json.loads(text)

    async def error(self, __tool: str, /, **arguments: Any) -> str:
        """Call a tool that must fail, and return the error message a model would read."""
        name = __tool
        result = await self.client.call_tool(name, arguments)
        self.called.add(name)
        text = result.content[0].text if result.content else ""
        if not result.is_error:
            raise AssertionError(f"{name} was expected to fail but returned {text[:300]}")
        return text

    async def tool_names(self) -> list[str]:
        names, cursor = [], None
        while True:
            page = await self.client.list_tools(cursor=cursor, cache_mode="refresh")
            names += [t.name for t in page.tools]
            cursor = page.next_cursor
            if not cursor:
                return names


