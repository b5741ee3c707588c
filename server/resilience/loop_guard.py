"""Layer 1b: same-action detection inside one run.

The same skill with the same normalized arguments 3 times in a row ends the run
(not just the call): an agent that varies nothing will not get a different result.
Normalization ignores ``_retry`` / ``_prev_error``, key order and surrounding
whitespace. The executor's own retries are recorded too (they are the same action),
but only a new call is checked, so a call keeps its 2 retries while the next
identical call from the model trips the guard.
"""

from __future__ import annotations

import json
from typing import Any

from server.errors import LoopDetected

SAME_ACTION_LIMIT = 3
_IGNORED = frozenset({"_retry", "_prev_error"})


def normalize(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in sorted(value.items()) if k not in _IGNORED}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def action_key(skill: str, arguments: dict[str, Any]) -> str:
    return skill + ":" + json.dumps(normalize(arguments), sort_keys=True, default=str)


class LoopGuard:
    def __init__(self, limit: int = SAME_ACTION_LIMIT) -> None:
        self.limit = limit
        self._last: str | None = None
        self._count = 0

    def check(self, skill: str, arguments: dict[str, Any]) -> None:
        """Called before a new call: raises LoopDetected if it would repeat the action ``limit`` times."""
        key = action_key(skill, arguments)
        if key == self._last and self._count + 1 >= self.limit:
            raise LoopDetected(skill, self._count + 1)

    def record(self, skill: str, arguments: dict[str, Any]) -> None:
        key = action_key(skill, arguments)
        if key == self._last:
            self._count += 1
        else:
            self._last, self._count = key, 1
