"""The grouping extension (``io.modelcontextprotocol/grouping``): modules as groups.

    groups/list                         one group per enabled module this connection can reach
    _meta["io.modelcontextprotocol/groups"]   on every skill's tool, its instructions and playbook
                                        resources, and each operator prompt (the modules of the
                                        skills it names)
    notifications/groups/list_changed   to handshake-era sessions when a module is switched on or off
                                        (with tools/ and resources/list_changed, which 2026 clients get)

Membership is ordinary ``_meta``: a client that does not know the extension ignores it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import mcp_types as types
from mcp.server.context import ServerRequestContext

if TYPE_CHECKING:
    from server.mcp.surface import Surface

EXTENSION = "io.modelcontextprotocol/grouping"
GROUPS = "io.modelcontextprotocol/groups"
LIST_CHANGED = "notifications/groups/list_changed"


def membership(module_ids: Iterable[str]) -> dict[str, Any]:
    return {GROUPS: sorted(set(module_ids))}


async def send_list_changed(session: Any) -> None:
    """Tell a handshake-era session its groups changed (a module was switched on or off)."""
    notification = types.Notification(method=LIST_CHANGED, params=None)  # an extension's: no SDK type names it
    await session.send_notification(cast(types.ServerNotification, notification))


def install(surface: Surface) -> None:
    async def list_groups(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams) -> dict[str, Any]:
        app = surface.app
        narrowed = surface.offered(ctx)
        offered = surface.selection if narrowed is None else surface.selection.narrow(narrowed)
        enabled = await app.modules.enabled_ids()
        groups = [{"name": m.id, "title": m.name, "description": m.description}
                  for i, m in sorted(app.registry.modules.items())
                  if i in enabled and any(offered.allows(s) for s in m.skills)]
        return {"groups": groups}

    surface.server.extensions[EXTENSION] = {"listChanged": True}
    surface.server.add_request_handler("groups/list", types.PaginatedRequestParams, list_groups)
