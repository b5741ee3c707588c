"""The model's context window, asked of the provider where it says, and the reply length that fits it.

Budgets (the loop's tiers, its stop, the heartbeat's context) are shares of this window, so a
small local model is not treated like a 1M-token hosted one. Where the number comes from, first
that answers:

    a setting        the provider's ``context_window`` (``pilothouse providers set NAME --context N``,
                     or PILOTHOUSE_CONTEXT_<PROVIDER>=N)
    llama.cpp        GET <root>/props  default_generation_settings.n_ctx (what one slot holds), then
                     GET <base>/models  data[].meta.n_ctx
    vLLM             GET <base>/models  data[].max_model_len
    Ollama           POST /api/show  the Modelfile's ``num_ctx``, else model_info <arch>.context_length
                     capped at OLLAMA_CONTEXT: Ollama allocates what a request asks for (``num_ctx`` is
                     sent with every request), so the model's maximum would cost memory for nothing
    hosted models    KNOWN (the providers' published windows)
    otherwise        ASSUMED_LOCAL for a local server that says nothing, ASSUMED_HOSTED for the rest

Answers are kept per endpoint and model for ``ttl_s`` (a local server may be restarted with
another ``-c``). ``reply_tokens`` is every request's ``max_tokens``: the tier's length, at most a
sixteenth of the window, so a small model's budget keeps room for the conversation.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import httpx

from server.providers.settings import ProviderSpec

KNOWN = {
    "gpt-4.1": 1_047_576, "gpt-4.1-mini": 1_047_576, "gpt-4.1-nano": 1_047_576,
    "gpt-4o": 128_000, "gpt-4o-mini": 128_000, "o3": 200_000, "o4-mini": 200_000,
    "gpt-5": 400_000, "gpt-5-mini": 400_000, "gpt-5-nano": 400_000,
    "gemini-2.5-pro": 1_048_576, "gemini-2.5-flash": 1_048_576, "gemini-2.5-flash-lite": 1_048_576,
    "gemini-2.0-flash": 1_048_576,
}
ASSUMED_HOSTED = 128_000
ASSUMED_LOCAL = 8_192
OLLAMA_CONTEXT = 8_192
REPLY_TOKENS = {"fast": 1_024, "reasoning": 4_096}
MIN_REPLY_TOKENS = 256


@dataclass(frozen=True, slots=True)
class Window:
    tokens: int
    source: str  # where the number came from, said in `pilothouse providers` and the run record


def reply_tokens(tier: str, window: int) -> int:
    """``max_tokens`` for a request of ``tier`` to a model with ``window`` tokens of context."""
    return max(MIN_REPLY_TOKENS, min(REPLY_TOKENS.get(tier, REPLY_TOKENS["fast"]), window // 16))


class WindowCache:
    def __init__(self, *, timeout_s: float = 1.0, ttl_s: float = 300.0) -> None:
        self.timeout_s = timeout_s
        self.ttl_s = ttl_s
        self._answers: dict[tuple[str, str], tuple[float, Window]] = {}

    async def get(self, spec: ProviderSpec, model: str) -> Window:
        if spec.context_window:
            return Window(spec.context_window, "setting")
        key = (spec.base_url, model)
        cached = self._answers.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        window = await self._ask(spec, model) if spec.local else None
        if window is None:
            known = KNOWN.get(model.split("/")[-1])
            window = (Window(known, "known model") if known else
                      Window(ASSUMED_LOCAL if spec.local else ASSUMED_HOSTED, "assumed"))
        self._answers[key] = (time.monotonic() + self.ttl_s, window)
        return window

    async def _ask(self, spec: ProviderSpec, model: str) -> Window | None:
        headers = {"Authorization": f"Bearer {spec.api_key}"} if spec.api_key else {}
        async with httpx.AsyncClient(timeout=self.timeout_s, headers=headers) as client:
            if spec.api == "ollama":
                return _ollama(await _json(client, "POST", f"{spec.base_url}/api/show", {"model": model}))
            root = re.sub(r"/v1/?$", "", spec.base_url)
            props = await _json(client, "GET", f"{root}/props")
            n_ctx = _int((props or {}).get("default_generation_settings", {}).get("n_ctx"))
            if n_ctx:
                return Window(n_ctx, "llama.cpp /props")
            return _listed(await _json(client, "GET", f"{spec.base_url}/models"), model)


def _ollama(shown: Any) -> Window | None:
    if not isinstance(shown, dict):
        return None
    match = re.search(r"^num_ctx\s+(\d+)", str(shown.get("parameters") or ""), re.MULTILINE)
    if match:
        return Window(int(match.group(1)), "Ollama Modelfile num_ctx")
    info = shown.get("model_info") or {}
    trained = next((_int(v) for k, v in info.items() if k.endswith(".context_length")), None)
    return Window(min(trained, OLLAMA_CONTEXT), "Ollama /api/show") if trained else None


def _listed(listing: Any, model: str) -> Window | None:
    items = listing.get("data") if isinstance(listing, dict) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("id") not in (model, None):
            continue
        n_ctx = _int((item.get("meta") or {}).get("n_ctx"))
        if n_ctx:
            return Window(n_ctx, "llama.cpp /v1/models")
        if _int(item.get("max_model_len")):
            return Window(int(item["max_model_len"]), "vLLM /v1/models")
    return None


async def _json(client: httpx.AsyncClient, method: str, url: str, body: Any = None) -> Any:
    try:
        response = await client.request(method, url, json=body)
        return response.json() if response.status_code < 400 else None
    except (httpx.HTTPError, ValueError):
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
