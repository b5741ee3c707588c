"""The conversation in the shape every server accepts: OpenAI, Gemini, Ollama, llama.cpp, llama-cpp-python.

The loop keeps its history in OpenAI's shape, with what the model really sent (broken tool-call
arguments included: the run record shows them). What goes over the wire is this function's
copy, because real servers disagree on the edges and one refusal ends a run:

- an assistant turn with tool calls carries ``content: ""``, never null (llama-cpp-python's
  server answers 500 to null);
- tool-call arguments are always a JSON object's text; arguments the model broke become ``{}``
  (llama.cpp answers 500 when it cannot parse them; the tool result tells the model what it
  sent and what was wrong, see server/agent/repair.py);
- every content is a string.
"""

from __future__ import annotations

import json
from typing import Any


def sendable(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for message in messages:
        copy = dict(message)
        copy["content"] = message.get("content") or ""
        if message.get("tool_calls"):
            copy["tool_calls"] = [_call(c) for c in message["tool_calls"]]
        out.append(copy)
    return out


def object_text(raw: Any) -> str:
    """Arguments as the text of a JSON object: themselves when they are one, else ``{}``."""
    if isinstance(raw, dict):
        return json.dumps(raw)
    try:
        value = json.loads(raw or "{}")
    except (TypeError, json.JSONDecodeError):
        return "{}"
    return str(raw) if isinstance(value, dict) else "{}"


def _call(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    return {"id": call.get("id"), "type": "function",
            "function": {"name": function.get("name", ""), "arguments": object_text(function.get("arguments"))}}
