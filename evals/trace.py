"""What the run of an attempt did, from its checkpoint: calls, answer, what it read, its cost.

The reasoning loop saves its whole conversation and its ``RunRecord`` in the ``runs`` row
(server/agent/checkpoint.py); the trace is read from there, so it is what the run really saw
and did, whichever model drove it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from server.manifest.meta_specs import DESCRIBE, EXECUTORS, NAMES, SEARCH

NO_REPLY = "NO_REPLY"


@dataclass(frozen=True, slots=True)
class Call:
    skill: str  # the skill that ran (an executor's target), or the meta-tool
    arguments: dict[str, Any] | str
    ok: bool
    error_kind: str | None
    message: str
    via_execute: bool = False

    @property
    def meta(self) -> bool:
        return self.skill in NAMES


@dataclass
class Trace:
    kind: str  # ask | heartbeat
    run: dict[str, Any] | None = None  # the RunRecord, as saved; None when no run started
    messages: list[dict[str, Any]] = field(default_factory=list)
    cycle: dict[str, Any] | None = None  # the heartbeat's CycleRecord
    seconds: float = 0.0
    error: str | None = None  # the run raised instead of stopping (a harness or provider failure)

    @classmethod
    def from_run_row(cls, kind: str, state: str | None, **rest: Any) -> Trace:
        data = json.loads(state or "{}")
        return cls(kind, data.get("record"), data.get("messages", []), **rest)

    @property
    def stop_reason(self) -> str | None:
        return self.run.get("stop_reason") if self.run else None

    @property
    def answer(self) -> str:
        """The run's final words ("" for none, NO_REPLY included)."""
        text = str((self.run or {}).get("answer") or "").strip()
        return "" if text == NO_REPLY else text

    @property
    def calls(self) -> list[Call]:
        out = []
        for c in (self.run or {}).get("tool_calls", []):
            arguments, skill = c["arguments"], c["skill"]
            via = skill in EXECUTORS and isinstance(arguments, dict) and isinstance(arguments.get("name"), str)
            if via:
                skill, arguments = arguments["name"], arguments.get("arguments") or {}
            out.append(Call(skill, arguments, bool(c["ok"]), c.get("error_kind"), c.get("message") or "", via))
        return out

    @property
    def reads(self) -> int:
        """Successful calls of skills (not search or describe): the run read the business's data."""
        return sum(1 for c in self.calls if c.ok and c.skill not in (SEARCH, DESCRIBE))

    @property
    def read_text(self) -> str:
        """Everything the model was shown: prompts, the request, the context and every tool result."""
        return "\n".join(str(m.get("content") or "") for m in self.messages if m.get("role") != "assistant")

    @property
    def model_calls(self) -> int:
        return len((self.run or {}).get("iterations", []))

    @property
    def tokens(self) -> tuple[int, int]:
        run = self.run or {}
        return int(run.get("prompt_tokens", 0)), int(run.get("completion_tokens", 0))

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(f"{i['provider']}:{i['model']}" for i in (self.run or {}).get("iterations", [])
                                  if i.get("provider")))
