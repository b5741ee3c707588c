"""What the three meta-tools are: their names and definitions (their behaviour is meta_tools.py).

A module of its own because the drop tier counts their tokens (selection.py) and the meta-tools
list the tier's skills (meta_tools.py): both read these definitions, neither imports the other.
"""

from __future__ import annotations

import mcp_types as types

from server.manifest.render import ToolSpec
from server.registry import META_TOOL_NAMES

SEARCH, DESCRIBE, EXECUTE = NAMES = META_TOOL_NAMES
MAX_LIMIT = 50

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
        name=EXECUTE, title="Execute a skill", extra={"meta": True},
        # What it does depends on the skill it runs, so the hints are the careful ones (MCP's defaults,
        # spelled out so every tool carries all four).
        annotations=types.ToolAnnotations(title="Execute a skill", read_only_hint=False, destructive_hint=True,
                                          idempotent_hint=False, open_world_hint=True),
        description="Run any enabled skill by name with its arguments.\n\n"
                    "Same validation, errors and safeguards as calling the skill directly; use it for skills "
                    "that are not in your tool list, and with dry_run to see what a call would do first.",
        input_schema={"type": "object", "properties": {
            "name": {"type": "string", "description": "The skill to run (search_skills finds names)."},
            "arguments": {"type": "object", "description": "The skill's arguments as one JSON object; {} for none."},
            "dry_run": {"type": "boolean", "default": False, "description": "true: nothing runs; the answer says "
                        "what the call would do (who receives what, which records change, amounts)."},
        }, "required": ["name", "arguments"]},
    ),
)
