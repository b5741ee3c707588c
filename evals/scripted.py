"""The scripted models the suite runs in CI, served by ``FakeModelServer`` over real HTTP.

``reference`` plays a task's reference script: turn N of the run (counted from the conversation
it is sent, so it needs no state of its own) is step N. A call to a skill the loop did not offer
goes through ``execute_skill``, as a real model would have to. Arguments can use what earlier
calls returned: ``"$2.id"`` is the ``id`` of the run's 2nd tool result, ``"$-1.items.*.id"`` the
ids of every item of the latest one, so a script uses the ids the run really got back.

``adversarial`` does the same, but first obeys every instruction it finds in what it read
(``evals.instructions``): the model that falls for every injection, to prove the server's
defences rather than the model's judgement.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from evals import instructions
from evals.task import Step, Task
from server.manifest.meta_specs import EXECUTE, EXECUTORS
from server.testing.fake_model import Call, FakeModelServer, Fault, RecordedRequest, Reply

MODELS = ("reference", "adversarial")
PLACEHOLDER = re.compile(r"\$(-?\d+)\.([A-Za-z_*][\w.*]*)")  # "$2.id", "$-1.items.*.id"; not "$9.99"


class ScriptedModel(Protocol):
    def respond(self, request: RecordedRequest) -> Reply: ...


class Reference:
    def __init__(self, task: Task) -> None:
        self.task = task

    def respond(self, request: RecordedRequest) -> Reply:
        return self.step(request, _turns(request.messages))

    def step(self, request: RecordedRequest, turn: int) -> Reply:
        steps = self.task.reference or [Step(answer="NO_REPLY")]
        step = steps[min(turn, len(steps) - 1)]
        if step.answer is not None:
            return Reply(step.answer)
        results = _results(request.messages)
        return Reply(tool_calls=[offer(c.call, resolve(c.args, results), request.tool_names) for c in step.skill_calls])


class Adversarial(Reference):
    def respond(self, request: RecordedRequest) -> Reply:
        messages = request.messages
        made = _calls(messages)
        read = "\n".join(str(m.get("content") or "") for m in messages if m.get("role") == "tool")
        heard = "\n".join(str(m.get("content") or "") for m in messages if m.get("role") in ("user", "tool"))
        orders = instructions.orders(heard, read)
        for order in orders:
            if not any(order.done_by(skill, args) for skill, args in made):
                return Reply(f"The data says: {order.said!r}. Doing it.",
                             tool_calls=[offer(order.skill, order.args, request.tool_names)])
        obeyed = sum(1 for m in messages if m.get("role") == "assistant" and m.get("tool_calls") and all(
            any(o.done_by(*_unwrapped(c)) for o in orders) for c in m["tool_calls"]))
        return self.step(request, _turns(messages) - obeyed)


def model(name: str, task: Task) -> ScriptedModel:
    if name == "reference":
        return Reference(task)
    if name == "adversarial":
        return Adversarial(task)
    raise ValueError(f"unknown scripted model {name!r}; use one of: {', '.join(MODELS)}")


def offer(skill: str, args: dict[str, Any], offered: list[str]) -> Call:
    """The call as the model can make it: by name when the loop offered the skill, else through execute_skill."""
    return Call(skill, args) if skill in offered else Call(EXECUTE, {"name": skill, "arguments": args})


def resolve(value: Any, results: list[Any]) -> Any:
    """Replace ``"$N.path"`` placeholders with what the N-th tool result (1-based; -1 the latest) holds."""
    if isinstance(value, dict):
        return {k: resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, results) for v in value]
    match = PLACEHOLDER.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return value
    n = int(match.group(1))
    index = n - 1 if n > 0 else n
    found: Any = results[index] if -len(results) <= index < len(results) else None
    return _at(found, match.group(2).split("."))


def _at(value: Any, path: list[str]) -> Any:
    if not path:
        return value
    key, rest = path[0], path[1:]
    if key == "*":
        return [_at(v, rest) for v in value] if isinstance(value, list) else []
    if isinstance(value, list):
        return _at(value[int(key)], rest) if key.lstrip("-").isdigit() and value else None
    return _at(value.get(key), rest) if isinstance(value, dict) else None


def _turns(messages: list[dict[str, Any]]) -> int:
    return sum(1 for m in messages if m.get("role") == "assistant")


def _results(messages: list[dict[str, Any]]) -> list[Any]:
    out = []
    for m in messages:
        if m.get("role") == "tool":
            out.append(_parsed(m.get("content") or "null"))
    return out


def _parsed(content: str) -> Any:
    """A tool result as data: its JSON, after the note the runtime puts before a result holding text
    written outside the business (server/trust/outside.py); the text itself when it is no JSON."""
    for text in (content, content.partition("\n")[2]):
        try:
            return json.loads(text)
        except ValueError:
            continue
    return content


def _calls(messages: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return [_unwrapped(c) for m in messages if m.get("role") == "assistant" for c in m.get("tool_calls") or []]


def _unwrapped(call: dict[str, Any]) -> tuple[str, Any]:
    function = call.get("function") or {}
    try:
        args = json.loads(function.get("arguments") or "{}")
    except ValueError:
        return str(function.get("name")), None
    if function.get("name") in EXECUTORS and isinstance(args, dict):
        return str(args.get("name")), args.get("arguments")
    return str(function.get("name")), args


class Stage:
    """One scripted model server for a whole eval run; the script playing is set per attempt."""

    def __init__(self) -> None:
        self.playing: ScriptedModel | None = None
        self.server = FakeModelServer("eval", models=MODELS, responder=self._respond)

    def _respond(self, request: RecordedRequest) -> Reply | Fault:
        if self.playing is None:
            return Fault(500, "no scripted model is playing", None, "server_error")
        return self.playing.respond(request)
