"""The person behind an MCP client's confirmation form, for tests of what only a person may decide.

An approve-level call and a people-only decision (approving a request, changing trust or the agent's
mode) over MCP put a form to the person through the client (elicitation: a server request in the
2025-11-25 era, an InputRequiredResult the client answers in 2026-07-28). ``Person`` answers every
form the same way and keeps each question it was asked::

    person = Person()                        # says yes; Person("decline") says no
    async with Client(surface.server, elicitation_callback=person) as client:
        ...
    assert person.asked[0].message.startswith("Confirm: Approve a request")

``connect(app, mode, person)`` opens such a client in either protocol era (no ``person``: a client
without forms); the ``mcp_person`` fixture (server/testing/pytest_plugin.py) is one, answering yes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import mcp_types as types
from mcp import Client
from mcp.client.session import ClientRequestContext

from server.testing.harness import McpHarness

if TYPE_CHECKING:
    from server.app import App

__all__ = ["Person", "connect"]


@dataclass
class Person:
    """Answers every form the same way (``accept`` with ``content``, ``decline`` or ``cancel``)."""

    action: Literal["accept", "decline", "cancel"] = "accept"
    content: dict[str, Any] | None = field(default_factory=lambda: {"confirm": True})
    asked: list[types.ElicitRequestFormParams] = field(default_factory=list)

    async def __call__(self, context: ClientRequestContext, params: types.ElicitRequestParams) -> types.ElicitResult:
        assert isinstance(params, types.ElicitRequestFormParams), "Pilothouse asks with forms only"
        self.asked.append(params)
        return types.ElicitResult(action=self.action, content=self.content if self.action == "accept" else None)

    @property
    def questions(self) -> list[str]:
        """The first line of every question asked, in order ("Confirm: <title> (<skill>)")."""
        return [q.message.splitlines()[0] for q in self.asked]


@asynccontextmanager
async def connect(app: App, mode: str = "auto",
                  person: Person | None = None) -> AsyncIterator[McpHarness]:
    """The real client on ``app``'s MCP surface in one era (``auto``: 2026-07-28, ``legacy``: the
    2025-11-25 handshake); with ``person``, it declares form elicitation and shows them every form."""
    from server.assembly import Process

    surface = Process.assemble(app, scheduler=False).surface
    async with Client(surface.server, raise_exceptions=True, mode=mode, elicitation_callback=person) as client:
        yield McpHarness(client)
