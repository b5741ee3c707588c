"""The Skills extension (SEP-2640): each module's playbook served as a skill, with per-file digests
that are the very digests health's drift baseline records.

The conformance suite's sep-2640-skills-* scenarios check the wire format in CI (.ci/run); these
tests check what a host and an owner rely on, through the real client in both protocol eras.
"""

from __future__ import annotations

import hashlib
from typing import Any

import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel, ConfigDict

from server.app import App
from server.assembly import Process
from server.health.baseline import current_state
from server.manifest.offered import Selection
from server.mcp.skills_extension import GetSkillParams, ReadDirectoryParams
from server.testing import McpHarness
from tests.health.helpers import redeploy

pytestmark = pytest.mark.anyio


class Anything(BaseModel):
    """An extension's result as it came (the SDK types only the base protocol's)."""

    model_config = ConfigDict(extra="allow")


PARAMS: dict[str, type[types.RequestParams]] = {"skills/list": types.PaginatedRequestParams,
                                                "groups/list": types.PaginatedRequestParams,
                                                "skills/get": GetSkillParams,
                                                "resources/directory/read": ReadDirectoryParams}


async def request(client: Client, method: str, **params: Any) -> dict[str, Any]:
    result = await client.session.send_request(types.Request(method=method, params=PARAMS[method](**params)), Anything)
    return result.model_dump()


async def entries(client: Client) -> dict[str, dict[str, Any]]:
    return {e["frontmatter"]["name"]: e for e in (await request(client, "skills/list"))["skills"]}


async def test_every_enabled_module_is_a_skill_whose_files_match_their_digests(app: App,
                                                                              mcp_any_era: McpHarness) -> None:
    client = mcp_any_era.client
    extensions = client.server_capabilities.extensions or {}
    if client.protocol_version >= "2026-07-28":  # the 2025-11-25 schema has no `extensions` to declare it in
        assert extensions["io.modelcontextprotocol/skills"] == {"directoryRead": True}
    listed = await entries(client)
    assert set(listed) == {m.replace("_", "-") for m in await app.modules.enabled_ids()}
    crm = listed["crm"]
    assert crm["uri"] == "skill://pilothouse/crm/SKILL.md"
    for file in crm["resources"]:
        text = (await client.read_resource(file["uri"])).contents[0].text  # type: ignore[union-attr]
        data = text.encode()
        assert file["digest"] == "sha256:" + hashlib.sha256(data).hexdigest() and file["size"] == len(data)
    skill_md = (await client.read_resource(crm["uri"])).contents[0].text  # type: ignore[union-attr]
    assert skill_md.startswith("---\nname: crm\n") and "crm_create_lead" in skill_md
    assert (await request(client, "skills/get", uri=crm["uri"]))["skill"] == crm
    with pytest.raises(MCPError) as unknown:
        await request(client, "skills/get", uri="skill://pilothouse/nope/SKILL.md")
    assert unknown.value.error.code == types.INVALID_PARAMS
    children = (await request(client, "resources/directory/read", uri="skill://pilothouse/crm"))["resources"]
    assert {c["name"] for c in children} == {"SKILL.md", "references"}


async def test_what_health_records_is_what_the_extension_publishes(app: App, mcp: McpHarness) -> None:
    baseline, _ = await current_state(app, source="test")
    assert baseline.format == 2
    published = {r["uri"].rsplit("/", 1)[1].removesuffix(".md"): r["digest"]
                 for e in (await entries(mcp.client)).values() for r in e["resources"]}
    recorded = {name: digest for m in baseline.modules.values() for name, digest in m.skills.items()}
    assert recorded and all(published[name] == f"sha256:{digest}" for name, digest in recorded.items())
    redeploy(app, "crm_get_lead", "Rewritten in the code that now runs.")
    changed = (await entries(mcp.client))["crm"]["resources"]
    after, _ = await current_state(app, source="test")
    digest = next(r["digest"] for r in changed if r["uri"].endswith("/crm_get_lead.md"))
    assert digest == f"sha256:{after.modules['crm'].skills['crm_get_lead']}" != published["crm_get_lead"]


async def test_a_narrowed_server_publishes_only_what_it_offers(app: App) -> None:
    surface = Process.assemble(app, scheduler=False, selection=Selection(modules=frozenset({"crm"}))).surface
    async with Client(surface.server, raise_exceptions=True) as client:
        assert set(await entries(client)) == {"crm"}
        with pytest.raises(MCPError):
            await request(client, "skills/get", uri="skill://pilothouse/invoicing/SKILL.md")
