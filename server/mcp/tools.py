"""Skill -> MCP tool definition. Pure and cached: a skill's definition never changes at run time."""

from functools import lru_cache

import mcp_types as types

from skills import Skill


@lru_cache(maxsize=4096)
def full_tool(skill: Skill) -> types.Tool:
    return types.Tool(
        name=skill.name,
        title=skill.title,
        description=skill.description,
        input_schema=skill.input_schema(),
        output_schema=skill.output_schema(),
        annotations=tool_annotations(skill),
    )


def tool_annotations(skill: Skill) -> types.ToolAnnotations:
    h = skill.hints
    return types.ToolAnnotations(
        title=skill.title,
        read_only_hint=h.read_only,
        destructive_hint=h.destructive if not h.read_only else False,
        idempotent_hint=h.idempotent,
        open_world_hint=h.open_world,
    )
