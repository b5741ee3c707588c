"""Files skills hand back (skills/files.py), over MCP: a resource link in the tool result, and the
bytes through ``resources/read`` as a base64 blob.

The only files today are the business's documents (``pilothouse://documents/<id>/<name>``, kept by
modules/business/archive.py); a read goes through its owner, never straight to its table.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.shared.exceptions import MCPError

from modules.business import archive
from server.app import App
from skills import NotFound
from skills.files import FIELD

if TYPE_CHECKING:
    from server.mcp.surface import Surface

TEMPLATE = types.ResourceTemplate(
    uri_template=f"{archive.URI_PREFIX}{{id}}/{{name}}", name="documents", mime_type=archive.MIME,
    description="A PDF the business sent (invoice, credit note, quote, reminder) or a draft's preview, by id and "
                "file name: business_documents_list and the *_pdf tools give the addresses.")


def is_file(uri: str) -> bool:
    return uri.startswith(archive.URI_PREFIX)


async def read_file(app: App, uri: str) -> tuple[str, bytes]:
    """(MIME type, bytes) of a file address; NotFound for an unknown one."""
    _, data = await archive.read_uri(app.store, uri)
    return archive.MIME, data


class DocumentFiles:
    """The documents as a resource source of the surface: read by address, never listed (there may be
    thousands; the tools that return one give its link, and the template says the shape)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def listed(self) -> list[types.Resource]:
        return []

    async def read(self, uri: str) -> types.ReadResourceResult | None:
        if not is_file(uri):
            return None
        try:
            mime, data = await read_file(self.app, uri)
        except NotFound as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc), data={"uri": uri}) from exc  # SEP-2164's not-found
        return types.ReadResourceResult(contents=[
            types.BlobResourceContents(uri=uri, mime_type=mime, blob=base64.b64encode(data).decode())])


def install(surface: Surface) -> None:
    surface.resource_sources.append(DocumentFiles(surface.app))


def links(output: dict[str, Any] | None) -> list[types.ResourceLink]:
    """A resource link for the file a skill's output names, if any (clients fetch it when they want it)."""
    link = (output or {}).get(FIELD)
    if not isinstance(link, dict) or not isinstance(link.get("uri"), str):
        return []
    return [types.ResourceLink(type="resource_link", uri=link["uri"], name=link.get("name") or link["uri"],
                               mime_type=link.get("mime_type"), size=link.get("size"),
                               description="The document as a PDF file; read it with resources/read.")]
