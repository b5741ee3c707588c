"""Answers to tool calls that cannot run as asked, so the model can fix them instead of the run dying.

Small local models break JSON, send a list where an object goes, get a parameter wrong, or ask
for the same write twice in one turn. Each gets a tool result (the conversation stays valid for
every provider: one answer per call, see server/providers/wire.py) that says what happened:

- arguments that are not a JSON object: the parser's complaint, the text the model sent, and the
  parameters the tool takes (its schema without descriptions, server/manifest/render.py);
- arguments the skill refused (the executor's validation message): the same parameters appended;
- the same call twice in one turn (same skill, same arguments after normalization,
  ``execute_skill`` counted as the skill it runs): not run again; the answer points at the first.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from server.manifest import meta_specs, render
from server.resilience.loop_guard import action_key

if TYPE_CHECKING:
    from server.app import App
    from server.providers import ToolCall

RAW_SHOWN = 300


def as_executed(name: str, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The skill and arguments the executor sees (and logs): the execute meta-tools run the skill they name."""
    target, inner = arguments.get("name"), arguments.get("arguments", {})
    if name in meta_specs.EXECUTORS and isinstance(target, str) and isinstance(inner, dict):
        return target, inner
    return name, arguments


def call_key(call: ToolCall) -> str | None:
    """What makes two calls the same action; None for a call that cannot run (broken arguments)."""
    return action_key(*as_executed(call.name, call.arguments)) if call.arguments is not None else None


def parameters(app: App, name: str) -> dict[str, Any] | None:
    """The parameters ``name`` takes, as a model needs them to form a call (None for an unknown tool)."""
    spec = next((s for s in meta_specs.SPECS if s.name == name), None)
    skill = app.registry.skills.get(name)
    if spec is None and skill is not None:
        spec = render.skill_spec(skill)
    return render.minimal_schema(spec.input_schema) if spec is not None else None


def broken_arguments(app: App, call: ToolCall) -> str:
    sent = call.raw_arguments if len(call.raw_arguments) <= RAW_SHOWN else call.raw_arguments[:RAW_SHOWN] + "..."
    text = f"{call.name} was not run: its {call.error}. You sent: {sent}"
    return text + _schema_note(app, call.name, "Call it again with its arguments as one JSON object")


def refused_arguments(app: App, call: ToolCall, message: str) -> str:
    """The executor's validation message, with the parameters of the skill that refused."""
    assert call.arguments is not None
    skill, _ = as_executed(call.name, call.arguments)
    return message + _schema_note(app, skill, "Its parameters")


def duplicate(first_id: str) -> str:
    return (f"Same call as {first_id} in this turn: not run again (a write would have happened twice). "
            f"Its result is the answer to {first_id} above.")


def _schema_note(app: App, name: str, lead: str) -> str:
    schema = parameters(app, name)
    if schema is None:
        return f". {lead}; {name} is not a tool here: search_skills finds the right one."
    return f"\n{lead} ({name}): {json.dumps(schema, separators=(',', ':'))}"
