"""The Skills extension (``io.modelcontextprotocol/skills``, SEP-2640): each module's playbook as a skill.

    skills/list                 one entry per module this connection can reach: the SKILL.md URI,
                                its frontmatter, and every file with its sha256 digest and size
    skills/get {uri}            one entry by its SKILL.md URI (-32602 for any other)
    resources/directory/read    a playbook directory's children (``directoryRead: true``)
    resources/read, list        the files themselves (SKILL.md listed, references readable)

The files are server/playbooks/files.py's, built from the code; their digests are the ones health's
drift baseline records. A client that does not know the extension sees ordinary ``skill://``
resources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError

from server.mcp import grouping
from server.playbooks import files as playbook
from skills import Module

if TYPE_CHECKING:
    from server.mcp.surface import Surface

EXTENSION = "io.modelcontextprotocol/skills"
DIRECTORY = "inode/directory"
TTL_MS = 30_000
INVALID = types.INVALID_PARAMS


class GetSkillParams(types.RequestParams):
    uri: str


class ReadDirectoryParams(types.PaginatedRequestParams):
    uri: str


class SkillsExtension:
    def __init__(self, surface: Surface) -> None:
        self.surface = surface

    async def modules(self, ctx: ServerRequestContext[Any] | None) -> list[Module]:
        """Enabled modules with a skill this connection may use, by id."""
        app = self.surface.app
        narrowed = self.surface.offered(ctx) if ctx is not None else None
        offered = self.surface.selection if narrowed is None else self.surface.selection.narrow(narrowed)
        enabled = await app.modules.enabled_ids()
        return [m for i, m in sorted(app.registry.modules.items())
                if i in enabled and any(offered.allows(s) for s in m.skills)]

    @staticmethod
    def entry(module: Module) -> dict[str, Any]:
        return {"uri": playbook.skill_md(module).uri, "frontmatter": playbook.frontmatter(module),
                "resources": [{"uri": f.uri, "digest": f.digest, "size": len(f.data)} for f in playbook.files(module)]}

    async def list_skills(self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams) -> dict[str, Any]:
        return {"skills": [self.entry(m) for m in await self.modules(ctx)], **self._cache(ctx)}

    async def get_skill(self, ctx: ServerRequestContext[Any], params: GetSkillParams) -> dict[str, Any]:
        for module in await self.modules(ctx):
            if playbook.skill_md(module).uri == params.uri:
                return {"skill": self.entry(module), **self._cache(ctx)}
        raise MCPError(INVALID, f"no skill is served at {params.uri}; skills/list shows the ones served",
                       data={"uri": params.uri})

    async def read_directory(self, ctx: ServerRequestContext[Any], params: ReadDirectoryParams) -> dict[str, Any]:
        uri = params.uri.rstrip("/")
        for module in await self.modules(ctx):
            root, found = playbook.directory(module), playbook.files(module)
            refs = [f for f in found if f.uri.startswith(f"{root}/{playbook.REFERENCES}/")]
            if uri == root:
                return {"resources": [_file(found[0], "SKILL.md"), {
                    "uri": f"{root}/{playbook.REFERENCES}", "name": playbook.REFERENCES, "mimeType": DIRECTORY}]}
            if uri == f"{root}/{playbook.REFERENCES}":
                return {"resources": [_file(f, f.uri.rsplit("/", 1)[1]) for f in refs]}
        raise MCPError(INVALID, f"{params.uri} is not a directory this server serves", data={"uri": params.uri})

    async def listed(self) -> list[types.Resource]:
        """Each reachable playbook's SKILL.md, for resources/list (named and described from its frontmatter)."""
        return [types.Resource(uri=playbook.skill_md(m).uri, name=playbook.skill_name(m), mime_type="text/markdown",
                               description=playbook.description(m), _meta=grouping.membership([m.id]))
                for m in await self.modules(None)]

    async def read(self, uri: str) -> types.ReadResourceResult | None:
        """A playbook file's contents, or None when ``uri`` is not one."""
        if not uri.startswith(playbook.ROOT + "/"):
            return None
        for module in await self.modules(None):
            for f in playbook.files(module):
                if f.uri == uri:
                    return types.ReadResourceResult(contents=[
                        types.TextResourceContents(uri=uri, mime_type="text/markdown", text=f.text)])
        return None

    def _cache(self, ctx: ServerRequestContext[Any]) -> dict[str, Any]:
        private = self.surface.offered(ctx) is not None  # narrowed by this connection's headers or token
        return {"ttlMs": TTL_MS, "cacheScope": "private" if private else "public"}


def _file(f: playbook.File, name: str) -> dict[str, Any]:
    return {"uri": f.uri, "name": name, "mimeType": "text/markdown", "size": len(f.data)}


def install(surface: Surface) -> SkillsExtension:
    extension = SkillsExtension(surface)
    surface.server.extensions[EXTENSION] = {"directoryRead": True}
    surface.server.add_request_handler("skills/list", types.PaginatedRequestParams, extension.list_skills)
    surface.server.add_request_handler("skills/get", GetSkillParams, extension.get_skill)
    surface.server.add_request_handler("resources/directory/read", ReadDirectoryParams, extension.read_directory)
    surface.resource_sources.append(extension)
    return extension
