"""What real model servers refuse in a chat request, so the scripted model refuses it too.

Each rule is one a real server enforces, with the error it answers (found against the servers
themselves, issue 29):

- an assistant turn with tool calls whose ``content`` is null: llama-cpp-python's server answers
  500 (OpenAI and llama.cpp accept it; an empty string suits all three);
- tool-call arguments that are not a JSON object: llama.cpp answers 500 "Failed to parse tool call
  arguments as JSON"; Ollama wants them as an object, not text;
- a tool result that answers no earlier call, or a call left without its result: OpenAI answers
  400 ("messages with role 'tool' must be a response to a preceding message with 'tool_calls'").

``refusal`` returns the status and message a strict server would answer, or None.
"""

from __future__ import annotations

import json
from typing import Any, Literal


def refusal(api: Literal["openai", "ollama"], body: dict[str, Any]) -> tuple[int, str] | None:
    open_calls: set[str] = set()
    for index, message in enumerate(body.get("messages") or []):
        role = message.get("role")
        if role != "tool" and open_calls:
            return 400, (f"messages[{index}]: an assistant message with 'tool_calls' must be followed by tool "
                         f"messages responding to each 'tool_call_id' ({', '.join(sorted(open_calls))} unanswered)")
        if role == "assistant" and message.get("tool_calls"):
            problem = _assistant_problem(api, message)
            if problem:
                return 500, f"messages[{index}]: {problem}"
            open_calls = {str(c.get("id")) for c in message["tool_calls"]} if api == "openai" else set()
        elif role == "tool" and api == "openai":
            call_id = str(message.get("tool_call_id"))
            if call_id not in open_calls:
                return 400, (f"messages[{index}]: messages with role 'tool' must be a response to a preceding "
                             f"message with 'tool_calls' (no open call {call_id})")
            open_calls.discard(call_id)
    return None


def _assistant_problem(api: str, message: dict[str, Any]) -> str | None:
    if api == "openai" and message.get("content") is None:
        return "an assistant message with tool calls has content null (send an empty string)"
    for call in message["tool_calls"]:
        arguments = (call.get("function") or {}).get("arguments")
        if api == "ollama":
            if not isinstance(arguments, dict):
                return f"tool call arguments must be an object, got {type(arguments).__name__}"
            continue
        try:
            value = json.loads(arguments) if isinstance(arguments, str) else None
        except json.JSONDecodeError as exc:
            return f"Failed to parse tool call arguments as JSON: {exc.msg} at {exc.pos}"
        if not isinstance(value, dict):
            return "tool call arguments must be a JSON object"
    return None
