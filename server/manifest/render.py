"""Render skills as tool definitions for a tier, for MCP clients and for OpenAI function calling.

full:    the whole description, every parameter description, output schema and annotations.
compact: the description cut to 80 characters at a word boundary, no parameter descriptions
         (anywhere in the schema), no output schema, and a minimal schema: types, enums, formats
         and required names only (`T | None` becomes `T`; defaults, bounds, patterns and
         `additionalProperties` go: the server applies and checks them, and its errors say how
         to fix a call; describe_skill gives the full schema). Only `readOnlyHint` is kept, so clients still skip
         confirmation for reads; a missing hint makes a client more careful, never less.
drop:    compact, for the top skills only (ranking.py chooses them), and with only the required
         parameters listed (beyond the seed: optional filters and paging still work when passed,
         and describe_skill shows them; this keeps drop near the seed's ~800 tokens for 20 skills).
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


# Validation detail the server enforces anyway (and explains when a call breaks it); types, enums,
# formats and required names are what a model needs to form a call.
_DROPPED_KEYWORDS = frozenset({
    "description", "title", "default", "additionalProperties", "examples", "pattern", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
})


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


def required_only(schema: dict[str, Any]) -> dict[str, Any]:
    required = schema.get("required", [])
    properties = {k: v for k, v in schema.get("properties", {}).items() if k in required}
    result = {k: v for k, v in schema.items() if k != "properties"}
    if properties:
        result["properties"] = properties
    return result


def tier_schema(skill: Skill, tier: Tier) -> dict[str, Any]:
    if tier == "full":
        return skill.input_schema()
    schema = minimal_schema(skill.input_schema())
    return required_only(schema) if tier == "drop" else schema


def _compact_annotations(skill: Skill) -> types.ToolAnnotations | None:
    return types.ToolAnnotations(read_only_hint=True) if skill.hints.read_only else None


def mcp_tool(skill: Skill, tier: Tier) -> types.Tool:
    if tier == "full":
        return full_tool(skill)
    return types.Tool(
        name=skill.name,
        description=truncate(skill.description),
        input_schema=tier_schema(skill, tier),
        # drop keeps no annotations: every token counts there, and a client missing a hint only asks more.
        annotations=_compact_annotations(skill) if tier == "compact" else None,
    )


def openai_function(skill: Skill, tier: Tier) -> dict[str, Any]:
    description = skill.description if tier == "full" else truncate(skill.description)
    parameters = tier_schema(skill, tier)
    return {"type": "function", "function": {"name": skill.name, "description": description,
                                             "parameters": parameters}}


def tools_list_json(tools: list[types.Tool]) -> dict[str, Any]:
    """What an MCP client receives for tools/list: the JSON of the result."""
    return types.ListToolsResult(tools=tools).model_dump(mode="json", by_alias=True, exclude_none=True)
