"""The three meta-tools that keep every skill in reach whatever the tier (beyond the seed).

search_skills finds a skill by intent, describe_skill gives its full contract, execute_skill
runs it through the same executor, with the same validation and errors as a direct call.
They are listed first in every manifest and cannot be shadowed by a skill of the same name.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

import mcp_types as types

from server.app import App
from server.executor import Caller, CallResult
from server.manifest.search import search
from server.resilience.loop_guard import LoopGuard
from skills import ErrorKind

SEARCH, DESCRIBE, EXECUTE = "search_skills", "describe_skill", "execute_skill"
NAMES = (SEARCH, DESCRIBE, EXECUTE)

DEFINITIONS: dict[str, tuple[str, dict[str, Any]]] = {
    SEARCH: (
        "Find skills for a task by keywords.",
        {"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
         "required": ["query"]},
    ),
    DESCRIBE: (
        "A skill's full schema and instructions.",
        {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    ),
    EXECUTE: (
        "Run any skill by name.",
        {"type": "object", "properties": {"name": {"type": "string"}, "arguments": {"type": "object"}},
         "required": ["name"]},
    ),
}


def mcp_definitions() -> list[types.Tool]:
    # execute_skill gets no hint: what it does depends on the skill it runs.
    return [types.Tool(name=name, description=description, input_schema=schema,
                       annotations=types.ToolAnnotations(read_only_hint=True) if name != EXECUTE else None)
            for name, (description, schema) in DEFINITIONS.items()]


def openai_definitions() -> list[dict[str, Any]]:
    return [{"type": "function", "function": {"name": name, "description": description, "parameters": schema}}
            for name, (description, schema) in DEFINITIONS.items()]


def _fail(name: str, message: str, kind: ErrorKind = ErrorKind.VALIDATION) -> CallResult:
    return CallResult(name, False, error_kind=kind, message=message, outcome="neutral")


def _ok(name: str, output: dict[str, Any]) -> CallResult:
    return CallResult(name, True, output=output)


async def call_meta(
    app: App, name: str, arguments: dict[str, Any], *, caller: Caller, run_id: str | None = None,
    guard: LoopGuard | None = None, enabled: list[str],
) -> CallResult:
    if not isinstance(arguments, dict):
        return _fail(name, f"{name} takes a JSON object of arguments")
    if name == SEARCH:
        query = arguments.get("query")
        if not isinstance(query, str) or not query.strip():
            return _fail(name, "search_skills needs a `query`: a few words about the task, e.g. 'overdue invoices'")
        limit = arguments.get("limit", 10)
        if not isinstance(limit, int) or not 1 <= limit <= 50:
            return _fail(name, "`limit` must be an integer from 1 to 50")
        skills = [app.registry.skills[n] for n in enabled]
        hits = [{"name": s.name, "title": s.title, "description": s.description.split("\n")[0], "score": score}
                for s, score in search(skills, query, limit)]
        return _ok(name, {"query": query, "results": hits})
    if name == DESCRIBE:
        target = arguments.get("name")
        skill = app.registry.skills.get(target) if isinstance(target, str) else None
        if skill is None or target not in enabled:
            close = difflib.get_close_matches(str(target), enabled, n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else " Use search_skills to find one."
            return _fail(name, f"no enabled skill named {target!r}.{hint}", ErrorKind.UNKNOWN_SKILL)
        return _ok(name, {
            "name": skill.name, "title": skill.title, "module": skill.module_id, "description": skill.description,
            "instructions": skill.instructions, "trust": skill.trust, "scope": skill.scope,
            "hints": {"read_only": skill.hints.read_only, "destructive": skill.hints.destructive,
                      "idempotent": skill.hints.idempotent, "open_world": skill.hints.open_world},
            "input_schema": skill.input_schema(), "output_schema": skill.output_schema(),
        })
    target = arguments.get("name")
    inner = arguments.get("arguments", {})
    if not isinstance(target, str) or not target:
        return _fail(name, "execute_skill needs `name`: the skill to run (search_skills finds names)")
    if not isinstance(inner, dict):
        return _fail(name, f"`arguments` must be a JSON object, got {json.dumps(inner)[:60]}")
    if target in NAMES:
        return _fail(name, f"{target} is a meta-tool; call it directly")
    return await app.executor.call(target, inner, caller=caller, run_id=run_id, guard=guard)
