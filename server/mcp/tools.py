"""Skill -> MCP tool definition. Pure and cached: a skill's definition never changes at run time.

Beside the four annotation hints, a tool's ``_meta`` names the effects its calls can have
(``io.pilothouse/effects``: message, money, cancellation, ... skills/effects.py), so a host can
decide about confirmation by what a call does, not by its name.
"""

from functools import lru_cache
from typing import Any

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
        _meta=tool_meta(skill),
    )


EFFECTS_META = "io.pilothouse/effects"


def tool_meta(skill: Skill) -> dict[str, Any] | None:
    return {EFFECTS_META: [str(e) for e in skill.effects]} if skill.effects else None


def tool_annotations(skill: Skill) -> types.ToolAnnotations:
    h = skill.hints
    return types.ToolAnnotations(
        title=skill.title,
        read_only_hint=h.read_only,
        destructive_hint=h.destructive if not h.read_only else False,
        idempotent_hint=h.idempotent,
        open_world_hint=h.open_world,
    )
