"""Render tool definitions for a tier, for MCP clients and for OpenAI function calling.

Every tier, every tool: its name, its title, its four annotation hints (readOnly, destructive,
idempotent, openWorld) and in ``_meta`` the effects its calls can have (MCP only, the OpenAI format
has no place for them), so a client decides about confirmation the same way whatever the tier.

full:    the whole description, every parameter with its description, the output schema.
compact: shorter descriptions only (the seed's rule): the description is its first sentence, cut to
         80 characters at a word boundary with an ellipsis (the "Use when ..." routing is left to
         search and describe_skill), and no parameter descriptions anywhere, nested ``$defs``
         included. Every parameter stays, with its type, enum, format, ``items``, references and
         required flag: a chat host sees the whole tool (``T | None`` becomes ``T``; defaults,
         bounds, patterns and ``additionalProperties: false`` go: the server applies and checks
         them, and its errors say how to fix a call). No output schema.
drop:    the loop's tier (`serve --tier auto` never picks it for a host): the compact rendering,
         for only the top of the ranking (selection.py), with *required parameters only*; a tool
         that lost optional parameters names them in its description and points to describe_skill.

Skills and meta-tools render through the same ``ToolSpec``; renderings are cached, because the
reasoning loop asks for a manifest on every iteration and a skill's definition never changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import mcp_types as types

from server.manifest.tiers import Tier
from server.mcp.tools import tool_annotations, tool_meta
from skills import Skill

COMPACT_DESCRIPTION = 80
ELLIPSIS = "…"
GROUPS = "io.modelcontextprotocol/groups"  # the grouping extension's membership key (server/mcp/grouping.py)


@dataclass(frozen=True, eq=False)  # identity hash: specs are built once and cached
class ToolSpec:
    name: str
    title: str
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None = None
    annotations: types.ToolAnnotations | None = None
    read_only: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] | None = None  # the tool's _meta: its module as a group (server/mcp/grouping.py), its effects


@lru_cache(maxsize=4096)
def skill_spec(skill: Skill) -> ToolSpec:
    return ToolSpec(name=skill.name, title=skill.title, description=skill.description,
                    input_schema=skill.input_schema(), output_schema=skill.output_schema(),
                    annotations=tool_annotations(skill), read_only=skill.hints.read_only,
                    meta={GROUPS: [skill.module_id], **(tool_meta(skill) or {})})


def compact_description(text: str, limit: int = COMPACT_DESCRIPTION) -> str:
    """The first sentence of the first paragraph, cut by ``truncate`` to at most ``limit`` characters."""
    first = " ".join(text.split("\n\n")[0].split())
    return truncate(_SENTENCE_END.split(first, maxsplit=1)[0], limit)


# A full stop, question or exclamation mark followed by a space, except after "e.g." and "i.e.".
_SENTENCE_END = re.compile(r"(?<![ (]e\.g\.)(?<![ (]i\.e\.)(?<=[.!?]) ")


def truncate(text: str, limit: int = COMPACT_DESCRIPTION) -> str:
    """The first paragraph, cut at a word boundary to at most ``limit`` characters including the ellipsis."""
    first = " ".join(text.split("\n\n")[0].split())
    if len(first) <= limit:
        return first
    head = first[: limit - 1]
    if first[limit - 1] != " " and " " in head:  # the cut falls inside a word: drop that word
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-–—(") + ELLIPSIS


# Validation detail the server enforces anyway (and explains when a call breaks it); types, enums,
# formats and required names are what a model needs to form a call.
_DROPPED_KEYWORDS = frozenset({
    "description", "title", "default", "examples", "pattern", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems",
})
_NAMED_MAPS = ("properties", "$defs", "definitions")  # their keys are names, not schema keywords


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
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _NAMED_MAPS and isinstance(value, dict):
            result[key] = {name: minimal_schema(sub) for name, sub in value.items()}
        elif key == "additionalProperties" and isinstance(value, bool):
            continue  # `false` is enforced by the server; a schema value (a dict's value type) stays
        elif key not in _DROPPED_KEYWORDS:
            result[key] = minimal_schema(value)
    if result.get("properties") == {} and result.get("type") == "object":
        del result["properties"]  # a tool without arguments needs only `type: object`
    return result


def required_only(schema: dict[str, Any]) -> dict[str, Any]:
    """Keep only the required properties, and only the ``$defs`` they still reference."""
    required = schema.get("required", [])
    properties = {k: v for k, v in schema.get("properties", {}).items() if k in required}
    result = {k: v for k, v in schema.items() if k not in ("properties", "$defs")}
    if properties:
        result["properties"] = properties
    defs = schema.get("$defs", {})
    used = _refs(properties, defs)
    if used:
        result["$defs"] = {k: _required_fields(v) for k, v in defs.items() if k in used}
    return result


def _required_fields(definition: Any) -> Any:
    """A nested object keeps its required fields too, by the same rule (all of them when none is required:
    an empty object would say nothing); describe_skill shows the rest."""
    if not isinstance(definition, dict) or not definition.get("required"):
        return definition
    kept = {k: v for k, v in definition.get("properties", {}).items() if k in definition["required"]}
    return {**definition, "properties": kept}


def _refs(value: Any, defs: dict[str, Any], seen: set[str] | None = None) -> set[str]:
    seen = set() if seen is None else seen
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name not in seen:
                seen.add(name)
                _refs(defs.get(name), defs, seen)
        for sub in value.values():
            _refs(sub, defs, seen)
    elif isinstance(value, list):
        for sub in value:
            _refs(sub, defs, seen)
    return seen


def tier_schema(spec: ToolSpec, tier: Tier) -> dict[str, Any]:
    if tier == "full":
        return spec.input_schema
    minimal = minimal_schema(spec.input_schema)
    return required_only(minimal) if _cut(spec, tier) else minimal


def tier_description(spec: ToolSpec, tier: Tier) -> str:
    if tier == "full":
        return spec.description
    short = compact_description(spec.description)
    left_out = optional_names(spec.input_schema) if _cut(spec, tier) else []
    return f"{short} Optional (describe_skill): {', '.join(left_out)}." if left_out else short


def _cut(spec: ToolSpec, tier: Tier) -> bool:
    """Whether optional parameters are left out: a skill's in drop (a meta-tool keeps its few: describe_skill
    describes skills, not itself)."""
    return tier == "drop" and not spec.extra.get("meta")


def optional_names(schema: dict[str, Any]) -> list[str]:
    """The parameters a call may leave out, in declaration order: what the drop tier does not list."""
    required = set(schema.get("required", []))
    return [name for name in schema.get("properties", {}) if name not in required]


def _annotations(spec: ToolSpec, tier: Tier) -> types.ToolAnnotations | None:
    """The four hints in every tier; the annotation's own title only in full (the tool's title stays)."""
    if tier == "full" or spec.annotations is None:
        return spec.annotations
    return spec.annotations.model_copy(update={"title": None})


@lru_cache(maxsize=16384)
def mcp_tool(spec: ToolSpec, tier: Tier) -> types.Tool:
    full = tier == "full"
    return types.Tool(
        name=spec.name,
        title=spec.title,
        description=tier_description(spec, tier),
        input_schema=tier_schema(spec, tier),
        output_schema=spec.output_schema if full else None,
        annotations=_annotations(spec, tier),
        _meta=spec.meta,
    )


def model_visible(tool: types.Tool) -> dict[str, Any]:
    """What a model reads of an MCP tool: hosts pass name, description and input schema to it, and keep
    the title and annotations for their own interface and confirmation rules."""
    return {"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema}


@lru_cache(maxsize=16384)
def _openai_function(spec: ToolSpec, tier: Tier) -> tuple[str, str, str]:
    return spec.name, tier_description(spec, tier), json.dumps(tier_schema(spec, tier))


def openai_function(spec: ToolSpec, tier: Tier) -> dict[str, Any]:
    """``{"type": "function", "function": {...}}``; a fresh dict every call, since callers may mutate it."""
    name, description, parameters = _openai_function(spec, tier)
    return {"type": "function", "function": {"name": name, "description": description,
                                             "parameters": json.loads(parameters)}}


def tools_list_json(tools: list[types.Tool]) -> dict[str, Any]:
    """What an MCP client receives for tools/list: the JSON of the result."""
    return types.ListToolsResult(tools=tools).model_dump(mode="json", by_alias=True, exclude_none=True)
