"""Render skills as tool definitions for a tier, for MCP clients and for OpenAI function calling.

full:    the whole description, every parameter description, output schema and annotations.
compact: the description cut to 80 characters at a word boundary, no parameter descriptions
         (anywhere in the schema), no output schema; annotations only where they differ from the
         spec's defaults, because clients still use them to decide when to ask for confirmation.
drop:    compact, for the top skills only (ranking.py chooses them).
"""

from __future__ import annotations

from typing import Any

import mcp_types as types

from server.manifest.tiers import Tier
from server.mcp.tools import full_tool
from skills import Skill

COMPACT_DESCRIPTION = 80


def truncate(text: str, limit: int = COMPACT_DESCRIPTION) -> str:
    """The first line, cut at a word boundary to at most ``limit`` characters including the ellipsis."""
    first = " ".join(text.split("\n\n")[0].split())
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def strip_descriptions(schema: Any) -> Any:
    """Remove every ``description`` (and ``title``) from a JSON schema, at any depth.

    Keys under ``properties`` are parameter names, not keywords, so they are kept even when a
    parameter happens to be called ``description`` or ``title``.
    """
    if isinstance(schema, list):
        return [strip_descriptions(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    result = {}
    for key, value in schema.items():
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            result[key] = {name: strip_descriptions(sub) for name, sub in value.items()}
        elif key not in ("description", "title"):
            result[key] = strip_descriptions(value)
    return result


def _compact_annotations(skill: Skill) -> types.ToolAnnotations | None:
    h = skill.hints
    values: dict[str, bool] = {}
    if h.read_only:
        values["read_only_hint"] = True
    elif not h.destructive:
        values["destructive_hint"] = False  # the spec's default is destructive
    if h.idempotent and not h.read_only:
        values["idempotent_hint"] = True
    if not h.open_world:
        values["open_world_hint"] = False
    return types.ToolAnnotations(**values) if values else None


def mcp_tool(skill: Skill, tier: Tier) -> types.Tool:
    if tier == "full":
        return full_tool(skill)
    return types.Tool(
        name=skill.name,
        description=truncate(skill.description),
        input_schema=strip_descriptions(skill.input_schema()),
        annotations=_compact_annotations(skill),
    )


def openai_function(skill: Skill, tier: Tier) -> dict[str, Any]:
    if tier == "full":
        description, parameters = skill.description, skill.input_schema()
    else:
        description, parameters = truncate(skill.description), strip_descriptions(skill.input_schema())
    return {"type": "function", "function": {"name": skill.name, "description": description,
                                             "parameters": parameters}}


def tools_list_json(tools: list[types.Tool]) -> dict[str, Any]:
    """What an MCP client receives for tools/list: the JSON of the result."""
    return types.ListToolsResult(tools=tools).model_dump(mode="json", by_alias=True, exclude_none=True)
