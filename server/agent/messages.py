"""The messages the reasoning loop adds to a run's conversation, built in one place.

Everything the model reads from the loop is made here: its own turn as it goes back into the
history, each tool result, and the loop's remarks (the ungrounded-answer nudge). The history
keeps what the model really sent (broken arguments included, for the run record); the provider
layer puts it in the wire shape every server accepts (server/providers/wire.py).

    assistant_turn(reply)       the model's words ("" beside tool calls) and its calls
    tool_result(call_id, text)  a skill's answer, cut to MAX_TOOL_OUTPUT_CHARS (saying so)
    remark(text)                the loop speaking to the model, as the user
    pending(messages)           the newest turn's calls still without a result, each with the id
                                of an identical earlier call of the same turn (run once)
"""

from __future__ import annotations

from typing import Any

from server.agent.repair import call_key
from server.providers import ToolCall
from server.providers.openai_compat import parse_call

MAX_TOOL_OUTPUT_CHARS = 4_000


def assistant_turn(content: str | None, calls: tuple[ToolCall, ...]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content or ""}
    if calls:
        message["tool_calls"] = [{"id": c.id, "type": "function",
                                  "function": {"name": c.name, "arguments": c.raw_arguments}} for c in calls]
    return message


def tool_result(call_id: str, text: str) -> tuple[dict[str, Any], bool]:
    """The tool message answering ``call_id``, and whether its text had to be cut."""
    shown, cut = truncate(text)
    return {"role": "tool", "tool_call_id": call_id, "content": shown}, cut


def remark(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def truncate(text: str, limit: int = MAX_TOOL_OUTPUT_CHARS) -> tuple[str, bool]:
    """Keep a tool output's head; say that it was cut and how to get less next time."""
    if len(text) <= limit:
        return text, False
    note = (f"\n[truncated: the first {limit} of {len(text)} characters. Ask for less: use filters, a smaller "
            "limit, or fetch one record by id.]")
    return text[:limit] + note, True


def pending(messages: list[dict[str, Any]]) -> list[tuple[ToolCall, str | None]]:
    """Calls of the newest assistant turn that have no result yet (just asked, or after a resume), each
    with the id of an identical call earlier in the same turn, or None."""
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if message["role"] != "assistant":
            continue
        answered = {m.get("tool_call_id") for m in messages[i + 1:] if m["role"] == "tool"}
        first: dict[str, str] = {}
        out = []
        for raw in message.get("tool_calls") or ():
            call = parse_call(raw["id"], raw["function"]["name"], raw["function"]["arguments"])
            key = call_key(call)
            same = first.get(key) if key is not None else None
            if key is not None and same is None:
                first[key] = call.id
            if call.id not in answered:
                out.append((call, same))
        return out
    return []


def stated_reason(messages: list[dict[str, Any]]) -> str:
    """What the model said alongside its tool calls (the newest assistant message's text)."""
    said = next((m.get("content") for m in reversed(messages) if m["role"] == "assistant"), None)
    return (said or "").strip()[:1000] or "(the model gave no reason)"


def request_text(messages: list[dict[str, Any]]) -> str:
    """The run's opening user message: the request (what a person asked, or the heartbeat's context)."""
    return next((str(m.get("content") or "") for m in messages if m["role"] == "user"), "")
