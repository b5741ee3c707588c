"""The MCP server, on the SDK's low-level ``Server`` so we own ``tools/list``.

Tools are listed in a deterministic order (the meta-tools, then the launch tier's skills
by name, so prompt caches stay warm), in one page unless a page size is set (several
public clients read only the first page), with cache hints. What is listed and callable is
the launch's ``Selection``, narrowed per HTTP connection by its request headers (offered.py).

Every ``tools/call`` goes straight to the executor (a meta-tool to MetaTools, which calls the
executor in turn). A tool this server does not offer is the JSON-RPC error -32602 the spec
asks for; every failure of a call that ran is a tool result with ``isError: true`` and a
message a model can act on, never a protocol crash. An unconfirmed call of an ``approve``
skill is put to the person through the client's form when it has one (elicitation.py).
Prompts for operators' workflows come from prompts/operator/ (prompts.py); logging and
progress from notices.py.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import mcp_types as types
from mcp.server import Server
from mcp.server.caching import CacheHint
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.models import InitializationOptions
from mcp.server.request_state import RequestStateBoundary, RequestStateSecurity
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ResourcesListChanged, ToolsListChanged
from mcp.shared.exceptions import MCPError

from server import idempotency
from server.access import connection
from server.access.principal import name_of
from server.app import App
from server.errors import ConfigError
from server.executor import CallResult
from server.manifest.launch import ToolListing
from server.manifest.meta_specs import NAMES as META_TOOLS
from server.manifest.meta_tools import MetaTools
from server.manifest.offered import Selection
from server.manifest.tiers import Tier
from server.mcp import elicitation, files, grouping
from server.mcp.notices import ClientLog, progress_sink
from server.mcp.prompts import OperatorPrompts
from server.tables import skill_state
from server.version import VERSION

log = logging.getLogger(__name__)

RESOURCE_PAGE_SIZE = 100
# SEP-2164 standardizes -32602 (earlier revisions used -32002); data.uri names what was asked for.
RESOURCE_NOT_FOUND = types.INVALID_PARAMS
LIST_TTL_MS = 30_000
INSTRUCTIONS_URI = "skill://{name}/instructions"

ListTools = Callable[[], Awaitable[list[types.Tool]]]
ReadResource = Callable[[], Awaitable[str]]


class ResourceSource(Protocol):
    """Resources an extension serves (the Skills extension's playbooks): listed on the first page, read by URI."""

    async def listed(self) -> list[types.Resource]: ...
    async def read(self, uri: str) -> types.ReadResourceResult | None: ...


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

    def __init__(self, app: App, tier: Tier = "full", *, selection: Selection | None = None,
                 page_size: int | None = None) -> None:
        if page_size is not None and page_size < 1:
            raise ConfigError(f"the tools/list page size must be at least 1, got {page_size}")
        self.app = app
        self.tier = tier
        self.selection = selection or Selection()
        self.page_size = page_size  # None: the whole list in one page
        self.bus = InMemorySubscriptionBus()
        # The tier's skills after the 3 meta-tools, by name; every offered name callable whatever the tier.
        self.listing = ToolListing(app, tier, self.selection)
        self._list_tools: ListTools = self.listing.list_tools
        self.meta = MetaTools(app, self.selection)
        self.prompts = OperatorPrompts(app)
        self.client_log = ClientLog()
        self._meta_schemas = {t.name: t.input_schema for t in MetaTools.definitions("mcp", tier)}
        self._schemas: dict[str, Mapping[str, Any]] = {}
        # One session per open handshake-era connection, to tell it of list changes (see _remember_session).
        self._legacy_sessions: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self._fingerprint: str | None = None
        self._resources: dict[str, tuple[types.Resource, ReadResource]] = {}
        self.resource_sources: list[ResourceSource] = []
        # A tool's _meta, by name (the MCP App a tool opens: server/cockpit/app_resource.py).
        self.tool_meta: dict[str, dict[str, Any]] = {}
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
                "prompts/list": CacheHint(ttl_ms=LIST_TTL_MS, scope="public"),
            },
            # The 2026 HTTP handler checks Mcp-Param headers against the called tool's schema: answered
            # here from the registry, or it would run tools/list on every tools/call to find it.
            get_tool_input_schema=self.tool_input_schema,
            on_list_tools=self._on_list_tools,
            on_call_tool=self._on_call_tool,
            on_list_resources=self._on_list_resources,
            on_read_resource=self._on_read_resource,
            on_list_resource_templates=self._on_list_resource_templates,
            on_subscriptions_listen=ListenHandler(self.bus),
            on_list_prompts=self._on_list_prompts,
            on_get_prompt=self._on_get_prompt,
            on_completion=self._on_completion,
        )
        # Registered directly: the constructor argument warns that 2026-07-28 deprecates logging, and
        # handshake-era hosts (most of them today) still set a level and show the messages.
        self.server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, self.client_log.set_level)
        # Seals the requestState of a 2026 confirmation round (confirmation.py) so that only a state
        # this process minted, for this tool and these arguments, comes back. The key lives as long
        # as the process: a question asked before a restart is simply asked again.
        boundary = RequestStateBoundary(RequestStateSecurity.ephemeral(), default_audience="pilothouse")
        self.server.middleware.append(boundary)

    # --- tools -------------------------------------------------------------------------------

    async def enabled_skill_names(self) -> list[str]:
        names = await skill_state.enabled_skill_names(self.app.store)
        return [n for n in names if n in self.app.registry.skills]

    def offered(self, ctx: ServerRequestContext[Any]) -> Selection | None:
        """This connection's own narrowing of the launch's selection (its headers, its token's scopes), if any."""
        try:
            return connection.selection(self.app, ctx.request)
        except ConfigError as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc)) from exc

    def tool_input_schema(self, name: str) -> Mapping[str, Any] | None:
        """A tool's input schema by name, without listing (called before every 2026 HTTP tools/call)."""
        schema = self._meta_schemas.get(name) or self._schemas.get(name)
        if schema is None and name in self.app.registry.skills:
            schema = self._schemas[name] = self.app.registry.skills[name].input_schema()
        return schema

    async def _on_list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        self._remember_session(ctx)
        narrowed = self.offered(ctx)
        tools = await (self._list_tools() if narrowed is None else self.listing.list_tools(narrowed))
        if self.tool_meta:  # copies: the listed definitions are cached and shared
            tools = [t.model_copy(update={"meta": {**(t.meta or {}), **self.tool_meta[t.name]}})
                     if t.name in self.tool_meta else t for t in tools]
        start = _decode_cursor(params.cursor if params else None, len(tools))
        page = tools[start: start + self.page_size] if self.page_size else tools[start:]
        end = start + len(page)
        result = types.ListToolsResult(tools=page, next_cursor=_encode_cursor(end) if end < len(tools) else None)
        if narrowed is not None:  # a list that depends on this client's headers is not for shared caches
            result.ttl_ms, result.cache_scope = LIST_TTL_MS, "private"
        return result

    async def _on_call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult | types.InputRequiredResult:
        self._remember_session(ctx)
        name, arguments = params.name, dict(params.arguments or {})
        narrowed = self.offered(ctx)
        offered = self.selection if narrowed is None else self.selection.narrow(narrowed)
        self._check_offered(name, offered)
        try:
            confirm = elicitation.confirmer(ctx, params)
            # A skill left out of the tier's list is still callable by name: the list is smaller, not the server.
            key = idempotency.key_from_meta(params.meta)  # a host's retry of this call carries the same key
            if name in META_TOOLS:
                meta = self.meta if narrowed is None else MetaTools(self.app, offered)
                result = await meta.call(name, arguments, caller="mcp", confirm=confirm, who=name_of(ctx.request),
                                         idempotency_key=key)
            else:
                result = await idempotency.guarded(self.app, key, name, arguments, lambda: self.app.executor.call(
                    name, arguments, caller="mcp", confirm=confirm, progress=progress_sink(ctx),
                    who=name_of(ctx.request)))
        except Exception as exc:  # the server never dies on a bad request
            log.exception("tools/call %s failed", name)
            return error_result(f"{name} failed inside the server: {type(exc).__name__}: {exc}")
        await self.client_log.call_ended(ctx, result)
        if isinstance(result.question, types.InputRequiredResult):
            return result.question
        return to_tool_result(result)

    def _check_offered(self, name: str, offered: Selection) -> None:
        """A tool this server does not have, or does not offer this client: -32602, as the spec says."""
        if name in META_TOOLS:
            return
        skill = self.app.registry.skills.get(name)
        if skill is None:
            close = difflib.get_close_matches(name, [n for n, s in self.app.registry.skills.items()
                                                     if offered.allows(s)], n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else " search_skills finds a tool by what it does."
            raise MCPError(types.INVALID_PARAMS, f"unknown tool {name!r}.{hint}", data={"name": name})
        if not offered.allows(skill):
            raise MCPError(types.INVALID_PARAMS, offered.why_not(skill), data={"name": name})

    # --- prompts: the operators' workflows, with completion of their arguments -------------------

    async def _on_list_prompts(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        return self.prompts.list_result()

    async def _on_get_prompt(
        self, ctx: ServerRequestContext[Any], params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        return self.prompts.get(params)

    async def _on_completion(
        self, ctx: ServerRequestContext[Any], params: types.CompleteRequestParams
    ) -> types.CompleteResult:
        narrowed = self.offered(ctx)
        return await self.prompts.complete(params, self.selection if narrowed is None else
                                           self.selection.narrow(narrowed))

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
        page = names[start: start + RESOURCE_PAGE_SIZE]
        end = start + len(page)
        resources = [entry[0] for entry in self._resources.values()] if start == 0 else []
        for source in self.resource_sources if start == 0 else []:
            resources += await source.listed()
        resources += [
            types.Resource(
                uri=INSTRUCTIONS_URI.format(name=n), name=f"{n} instructions",
                description=self.app.registry.skills[n].title, mime_type="text/markdown",
                _meta=grouping.membership([self.app.registry.skills[n].module_id]),
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
        return types.ListResourceTemplatesResult(resource_templates=[template, files.TEMPLATE])

    async def _on_read_resource(
        self, ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        if uri in self._resources:
            resource, read = self._resources[uri]
            return types.ReadResourceResult(contents=[
                types.TextResourceContents(uri=uri, mime_type=resource.mime_type, text=await read())])
        for source in self.resource_sources:
            if (found := await source.read(uri)) is not None:
                return found
        name = uri.removeprefix("skill://").removesuffix("/instructions")
        skill = self.app.registry.skills.get(name)
        if not uri.startswith("skill://") or skill is None:
            raise MCPError(RESOURCE_NOT_FOUND, f"unknown resource {uri}; list resources to see what exists",
                           data={"uri": uri})
        text = f"# {skill.title} (`{skill.name}`)\n\n{skill.description}\n\n{skill.instructions}\n"
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type="text/markdown", text=text)]
        )

    # --- list changes --------------------------------------------------------------------------

    def _remember_session(self, ctx: ServerRequestContext[Any]) -> None:
        # The SDK makes a session per request, which a weak set lost at once, so no list change ever
        # reached a handshake-era client: keep one per connection (its notifications go on the
        # connection's own channel) for as long as the connection lives.
        session = getattr(ctx, "session", None)
        connection = getattr(session, "_connection", None)
        if connection is not None and ctx.protocol_version < "2026" and hasattr(session, "send_tool_list_changed"):
            self._legacy_sessions[connection] = session

    async def notify_if_changed(self) -> bool:
        """Tell clients when the enabled skills changed (a module enabled elsewhere, a pause)."""
        names = await self.enabled_skill_names()
        fingerprint = hashlib.sha256("\n".join(names).encode()).hexdigest()
        changed = self._fingerprint is not None and fingerprint != self._fingerprint
        self._fingerprint = fingerprint
        if changed:  # tools, their resources and the groups (modules) they belong to
            await self.bus.publish(ToolsListChanged())
            await self.bus.publish(ResourcesListChanged())
            for connection, session in list(self._legacy_sessions.items()):
                try:
                    await session.send_tool_list_changed()
                    await session.send_resource_list_changed()
                    await grouping.send_list_changed(session)
                except Exception:  # a closed session is simply forgotten
                    self._legacy_sessions.pop(connection, None)
        return changed


def to_tool_result(result: CallResult) -> types.CallToolResult:
    if not result.ok:
        return error_result(f"{result.message}\n{result.note}" if result.note else result.message)
    notes = [types.TextContent(type="text", text=result.note)] if result.note else []  # after the answer
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=result.text), *files.links(result.output), *notes],
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
