"""What the four meta-tools are: their names and definitions (their behaviour is meta_tools.py).

A module of its own because the drop tier counts their tokens (selection.py) and the meta-tools
list the tier's skills (meta_tools.py): both read these definitions, neither imports the other.

Two executors, so a host can trust their hints: ``execute_read_skill`` runs only skills that change
nothing (annotated read-only: a host may run it without asking) and ``execute_skill`` runs any skill,
annotated as carefully as the writes it can reach (``executor_hints``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mcp_types as types

from server.manifest.render import ToolSpec
from server.registry import META_TOOL_NAMES
from skills import Skill

SEARCH, DESCRIBE, EXECUTE_READ, EXECUTE = NAMES = META_TOOL_NAMES
EXECUTORS = (EXECUTE_READ, EXECUTE)  # each runs the skill it names: loop guards and logs count that skill
MAX_LIMIT = 50
_EXECUTE_SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "name": {"type": "string", "description": "The skill to run (search_skills finds names)."},
    "arguments": {"type": "object", "description": "The skill's arguments as one JSON object; {} for none."},
}, "required": ["name", "arguments"]}

SPECS: tuple[ToolSpec, ...] = (
    ToolSpec(
        name=SEARCH, title="Search skills", read_only=True, extra={"meta": True},
        annotations=types.ToolAnnotations(title="Search skills", read_only_hint=True, destructive_hint=False,
                                          idempotent_hint=True, open_world_hint=False),
        description="Find skills for a task by keywords, best match first.\n\n"
                    "Use when the tool you need is not in your list: every enabled skill is searchable, whatever "
                    "the manifest shows. Returns name, title, short description and score; describe_skill gives "
                    "a skill's full contract and execute_skill runs it.",
        input_schema={"type": "object", "properties": {
            "query": {"type": "string", "description": "A few words about the task, e.g. 'overdue invoices'."},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10,
                      "description": "How many matches to return (1-50)."},
        }, "required": ["query"]},
    ),
    ToolSpec(
        name=DESCRIBE, title="Describe a skill", read_only=True, extra={"meta": True},
        annotations=types.ToolAnnotations(title="Describe a skill", read_only_hint=True, destructive_hint=False,
                                          idempotent_hint=True, open_world_hint=False),
        description="A skill's full contract: schemas, instructions, trust and hints.\n\n"
                    "Use before calling a skill whose listing is shortened or missing: compact and drop "
                    "manifests leave out parameter descriptions, and drop leaves out optional parameters.",
        input_schema={"type": "object", "properties": {
            "name": {"type": "string", "description": "The skill's exact name, e.g. 'crm_list_leads'."},
        }, "required": ["name"]},
    ),
    ToolSpec(
        name=EXECUTE_READ, title="Run a read-only skill", read_only=True, extra={"meta": True},
        annotations=types.ToolAnnotations(title="Run a read-only skill", read_only_hint=True,
                                          destructive_hint=False, idempotent_hint=True, open_world_hint=False),
        description="Run an enabled skill that changes nothing (lists, reports, look-ups) by name.\n\n"
                    "Refuses any skill that writes: use execute_skill for those. Same validation, errors and "
                    "safeguards as calling the skill directly; use it for skills that are not in your tool list.",
        input_schema=_EXECUTE_SCHEMA,
    ),
    ToolSpec(
        name=EXECUTE, title="Execute a skill", extra={"meta": True},
        # The careful hints (MCP's defaults, spelled out): listings replace them with those of the writes
        # the connection can reach (executor_hints).
        annotations=types.ToolAnnotations(title="Execute a skill", read_only_hint=False, destructive_hint=True,
                                          idempotent_hint=False, open_world_hint=True),
        description="Run any enabled skill by name with its arguments, including skills that change data.\n\n"
                    "Same validation, errors and safeguards as calling the skill directly; use it for skills "
                    "that are not in your tool list, execute_read_skill for those that change nothing, and dry_run "
                    "to see what a call would do first.",
        input_schema={**_EXECUTE_SCHEMA, "properties": {
            **_EXECUTE_SCHEMA["properties"],
            "dry_run": {"type": "boolean", "default": False, "description": "true: nothing runs; the answer says "
                        "what the call would do (who receives what, which records change, amounts)."},
            "idempotency_key": {"type": "string", "description": "Optional key of your own for this one call: "
                                "sent again with the same key, it returns the first result and does nothing twice."},
        }},
    ),
)


def executor_hints(reachable: Iterable[Skill]) -> dict[str, types.ToolAnnotations]:
    """The two executors' hints, from the skills they can reach: the read executor is open-world only if a
    read-only skill it reaches is; the write executor is destructive if any reachable write is, idempotent
    only if all are, open-world if any skill is."""
    reads = [s for s in reachable if s.hints.read_only]
    writes = [s for s in reachable if not s.hints.read_only]
    base = {spec.name: spec.annotations for spec in SPECS if spec.name in EXECUTORS}
    read, write = base[EXECUTE_READ], base[EXECUTE]
    assert read is not None and write is not None
    return {
        EXECUTE_READ: read.model_copy(update={"open_world_hint": any(s.hints.open_world for s in reads)}),
        EXECUTE: write.model_copy(update={
            "destructive_hint": any(s.hints.destructive for s in writes),
            "idempotent_hint": bool(writes) and all(s.hints.idempotent for s in writes),
            "open_world_hint": any(s.hints.open_world for s in [*reads, *writes])}),
    }
