"""Render skills as tool definitions for a tier, for MCP clients and for OpenAI function calling.

full:    the whole description, every parameter description, output schema and annotations.
compact: the description cut to 80 characters at a word boundary, no parameter descriptions
         (anywhere in the schema), no output schema, and a minimal schema: types, enums and
         required names only (`T | None` becomes `T`, defaults and `additionalProperties` go: the
         server applies and checks them). Only `readOnlyHint` is kept, so clients still skip
         confirmation for reads; a missing hint makes a client more careful, never less.
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


_DROPPED_KEYWORDS = frozenset({"description", "title", "default", "additionalProperties", "examples"})


def minimal_schema(schema: Any) -> Any:
    """Strip a JSON schema to what a model needs to form a valid call (see the module docstring)."""
    if isinstance(schema, list):
        return [minimal_schema(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    options = schema.get("anyOf")
    if isinstance(options, list):
        non_null = [o for o in options if o != {"type": "null"}]
        if len(non_null) == 1 and len(non_null) < len(options):
            merged = {**{k: v for k, v in schema.items() if k != "anyOf"}, **non_null[0]}
            return minimal_schema(merged)
    result = {}
    for key, value in schema.items():
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            result[key] = {name: minimal_schema(sub) for name, sub in value.items()}
        elif key not in _DROPPED_KEYWORDS:
            result[key] = minimal_schema(value)
    if result.get("properties") == {} and result.get("type") == "object":
        del result["properties"]  # a tool without arguments needs only `type: object`
    return result


def _compact_annotations(skill: Skill) -> types.ToolAnnotations | None:
    return types.ToolAnnotations(read_only_hint=True) if skill.hints.read_only else None


def mcp_tool(skill: Skill, tier: Tier) -> types.Tool:
    if tier == "full":
        return full_tool(skill)
    return types.Tool(
        name=skill.name,
        description=truncate(skill.description),
        input_schema=minimal_schema(skill.input_schema()),
        annotations=_compact_annotations(skill),
    )


def openai_function(skill: Skill, tier: Tier) -> dict[str, Any]:
    if tier == "full":
        description, parameters = skill.description, skill.input_schema()
    else:
        description, parameters = truncate(skill.description), minimal_schema(skill.input_schema())
    return {"type": "function", "function": {"name": skill.name, "description": description,
                                             "parameters": parameters}}


def tools_list_json(tools: list[types.Tool]) -> dict[str, Any]:
    """What an MCP client receives for tools/list: the JSON of the result."""
    return types.ListToolsResult(tools=tools).model_dump(mode="json", by_alias=True, exclude_none=True)
