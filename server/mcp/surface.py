"""The MCP server, on the SDK's low-level ``Server`` so we own ``tools/list``.

Tools are listed in a deterministic order (the meta-tools, then the launch tier's skills
by name, so prompt caches stay warm),
paginated with an opaque cursor, and carry cache hints. Every ``tools/call`` goes
straight to the executor (a meta-tool to MetaTools, which calls the executor in turn);
every failure is a tool result with ``isError: true`` and a message a model can act on,
never a protocol crash. An unconfirmed call of an ``approve`` skill is put to the person
through the client's form when it has one: the executor asks, once (elicitation.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import mcp_types as types

from mcp.server import Server
from mcp.server.caching import CacheHint
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.models import InitializationOptions
from mcp.server.request_state import RequestStateBoundary, RequestStateSecurity
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ToolsListChanged
from mcp.shared.exceptions import MCPError
from server.app import App
from server.executor import CallResult
from server.manifest.launch import ToolListing
from server.manifest.meta_specs import NAMES as META_TOOLS
from server.manifest.meta_tools import MetaTools
from server.manifest.tiers import Tier
from server.mcp import elicitation
from server.tables import skill_state
from server.version import VERSION

log = logging.getLogger(__name__)

PAGE_SIZE = 100
LIST_TTL_MS = 30_000
INSTRUCTIONS_URI = "skill://{name}/instructions"

ListTools = Callable[[], Awaitable[list[types.Tool]]]
ReadResource = Callable[[], Awaitable[str]]


class PilothouseServer(Server[Any]):
    """Advertises ``listChanged`` to handshake-era (2025-11-25) clients, whatever transport."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        return super().create_initialization_options(
            notification_options or NotificationOptions(tools_changed=True, resources_changed=True),
            experimental_capabilities, extensions,
        )


class Surface:
    """Owns the server and knows how to list and call tools; the tier decides what is listed."""

    def __init__(self, app: App, tier: Tier = "full") -> None:
        self.app = app
        self.tier = tier
        self.bus = InMemorySubscriptionBus()
        # The tier's skills after the 3 meta-tools, by name; every name callable whatever the tier.
        self.listing = ToolListing(app, tier)
        self._list_tools: ListTools = self.listing.list_tools
        self.meta = MetaTools(app)
        self._legacy_sessions: weakref.WeakSet[Any] = weakref.WeakSet()
        self._fingerprint: str | None = None
        self._resources: dict[str, tuple[types.Resource, ReadResource]] = {}
        self.server = PilothouseServer(
            "pilothouse",
            version=VERSION,
            title="Pilothouse",
            instructions=(
                "Pilothouse runs a business backend: CRM, content, invoicing, bookings and more. "
                "Each tool is one operation of a module. Use search_skills to find an operation by intent "
                "when the tool you need is not listed."
            ),
            cache_hints={
                "tools/list": CacheHint(ttl_ms=LIST_TTL_MS, scope="public"),
                "resources/list": CacheHint(ttl_ms=LIST_TTL_MS, scope="public"),
                "resources/templates/list": CacheHint(ttl_ms=LIST_TTL_MS, scope="public"),
            },
            on_list_tools=self._on_list_tools,
            on_call_tool=self._on_call_tool,
            on_list_resources=self._on_list_resources,
            on_read_resource=self._on_read_resource,
            on_list_resource_templates=self._on_list_resource_templates,
            on_subscriptions_listen=ListenHandler(self.bus),
        )
        # Seals the requestState of a 2026 confirmation round (confirmation.py) so that only a state
        # this process minted, for this tool and these arguments, comes back. The key lives as long
        # as the process: a question asked before a restart is simply asked again.
        boundary = RequestStateBoundary(RequestStateSecurity.ephemeral(), default_audience="pilothouse")
        self.server.middleware.append(boundary)

    # --- tools -------------------------------------------------------------------------------

    async def enabled_skill_names(self) -> list[str]:
        names = await skill_state.enabled_skill_names(self.app.store)
        return [n for n in names if n in self.app.registry.skills]

    async def _on_list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        self._remember_session(ctx)
        tools = await self._list_tools()
        start = _decode_cursor(params.cursor if params else None, len(tools))
        page = tools[start: start + PAGE_SIZE]
        end = start + len(page)
        return types.ListToolsResult(tools=page, next_cursor=_encode_cursor(end) if end < len(tools) else None)

    async def _on_call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult | types.InputRequiredResult:
        self._remember_session(ctx)
        name, arguments = params.name, dict(params.arguments or {})
        try:
            confirm = elicitation.confirmer(ctx, params)
            # A skill left out of the tier's list is still callable by name: the list is smaller, not the server.
            if name in META_TOOLS:
                result = await self.meta.call(name, arguments, caller="mcp", confirm=confirm)
            else:
                result = await self.app.executor.call(name, arguments, caller="mcp", confirm=confirm)
        except Exception as exc:  # the server never dies on a bad request
            log.exception("tools/call %s failed", name)
            return error_result(f"{name} failed inside the server: {type(exc).__name__}: {exc}")
        if isinstance(result.question, types.InputRequiredResult):
            return result.question
        return to_tool_result(result)

    # --- resources: skill instructions (loaded on demand) and contributed documents ------------

    def add_resource(self, uri: str, name: str, description: str, read: ReadResource,
                     mime_type: str = "application/json") -> None:
        """Expose a document (the health report, ...) as a resource; ``read`` renders it fresh."""
        resource = types.Resource(uri=uri, name=name, description=description, mime_type=mime_type)
        self._resources[uri] = (resource, read)

    async def _on_list_resources(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        names = await self.enabled_skill_names()
        start = _decode_cursor(params.cursor if params else None, len(names))
        page = names[start: start + PAGE_SIZE]
        end = start + len(page)
        resources = [entry[0] for entry in self._resources.values()] if start == 0 else []
        resources += [
            types.Resource(
                uri=INSTRUCTIONS_URI.format(name=n), name=f"{n} instructions",
                description=self.app.registry.skills[n].title, mime_type="text/markdown",
            )
            for n in page
        ]
        return types.ListResourcesResult(resources=resources,
                                         next_cursor=_encode_cursor(end) if end < len(names) else None)

    async def _on_list_resource_templates(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        template = types.ResourceTemplate(
            uri_template=INSTRUCTIONS_URI, name="skill instructions", mime_type="text/markdown",
            description="Long-form instructions of any skill, by name: rules, states and examples.",
        )
        return types.ListResourceTemplatesResult(resource_templates=[template])

    async def _on_read_resource(
        self, ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        if uri in self._resources:
            resource, read = self._resources[uri]
            return types.ReadResourceResult(contents=[
                types.TextResourceContents(uri=uri, mime_type=resource.mime_type, text=await read())])
        name = uri.removeprefix("skill://").removesuffix("/instructions")
        skill = self.app.registry.skills.get(name)
        if not uri.startswith("skill://") or skill is None:
            raise MCPError(types.INVALID_PARAMS, f"unknown resource {uri}; list resources to see what exists")
        text = f"# {skill.title} (`{skill.name}`)\n\n{skill.description}\n\n{skill.instructions}\n"
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type="text/markdown", text=text)]
        )

    # --- list changes --------------------------------------------------------------------------

    def _remember_session(self, ctx: ServerRequestContext[Any]) -> None:
        session = getattr(ctx, "session", None)
        if session is not None and hasattr(session, "send_tool_list_changed"):
            self._legacy_sessions.add(session)

    async def notify_if_changed(self) -> bool:
        """Tell clients when the enabled skills changed (a module enabled elsewhere, a pause)."""
        names = await self.enabled_skill_names()
        fingerprint = hashlib.sha256("\n".join(names).encode()).hexdigest()
        changed = self._fingerprint is not None and fingerprint != self._fingerprint
        self._fingerprint = fingerprint
        if changed:
            await self.bus.publish(ToolsListChanged())
            for session in list(self._legacy_sessions):
                try:
                    await session.send_tool_list_changed()
                except Exception:  # a closed session is simply forgotten
                    self._legacy_sessions.discard(session)
        return changed


def to_tool_result(result: CallResult) -> types.CallToolResult:
    if not result.ok:
        return error_result(f"{result.message}\n{result.note}" if result.note else result.message)
    notes = [types.TextContent(type="text", text=result.note)] if result.note else []  # after the answer
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=result.text), *notes],
        structured_content=result.output,
    )


def error_result(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _decode_cursor(cursor: str | None, total: int) -> int:
    if not cursor:
        return 0
    try:
        offset = int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise MCPError(types.INVALID_PARAMS, "invalid cursor: pass back the nextCursor of the previous page") from exc
    if not 0 <= offset <= total:
        raise MCPError(types.INVALID_PARAMS, "cursor out of range: the list changed; start again without a cursor")
    return offset
