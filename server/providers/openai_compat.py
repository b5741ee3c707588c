"""Adapter for OpenAI-compatible chat completions: OpenAI, Gemini, and local OpenAI-compatible servers.

Why the ``openai`` SDK: it is the reference client of the protocol, and Gemini
(``/v1beta/openai/``), vLLM, llama.cpp and LM Studio all speak it, so one adapter
covers three of the four providers with typed responses and typed errors.
It is imported lazily (``import openai`` costs ~0.9 s) so a cold ``serve`` never pays
for it, and built with ``max_retries=0``: the SDK's own retries would hide a failing
provider behind minutes of backoff, while failover to the next provider is ours.

Requests carry what every compatible server needs to behave: ``tool_choice: "auto"`` beside the
tools (llama-cpp-python's server ignores tools without it), a reply length (``max_tokens``;
OpenAI's own API takes it as ``max_completion_tokens``, which its reasoning models require), and
the conversation in the shape all of them accept (wire.py).

Every SDK error becomes a ``ProviderError`` here, classified once into a
``skills.ErrorKind`` (``classify_http_status`` for statuses; a 429 whose body says
``insufficient_quota`` is ``quota_hit``, never retried).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from server.providers.errors import ProviderError
from server.providers.types import AiConfig, ModelReply, ToolCall
from server.providers.wire import sendable
from skills import ErrorKind, classify_http_status


class OpenAICompatAdapter:
    def __init__(self, config: AiConfig, *, timeout_s: float) -> None:
        import openai  # lazy: see the module docstring

        self._openai = openai
        # OpenAI-compatible local servers rarely check the key, but the SDK insists on one.
        self._client = openai.AsyncOpenAI(
            api_key=config.api_key or "unused", base_url=config.base_url, timeout=timeout_s, max_retries=0
        )
        self._key = config.api_key
        official = urlsplit(config.base_url).hostname == "api.openai.com"
        self._length = "max_completion_tokens" if official else "max_tokens"

    async def chat(self, model: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]], *,
                   max_tokens: int, context_window: int) -> ModelReply:
        openai = self._openai
        kwargs: dict[str, Any] = {"model": model, "messages": sendable(messages), self._length: max_tokens}
        if tools:  # an empty tools array is a 400 on OpenAI
            kwargs["tools"] = tools
            kwargs["tool_choice"] = "auto"
        try:
            completion = await self._client.chat.completions.create(**kwargs)
        except openai.APITimeoutError as exc:
            raise ProviderError(f"no answer within the timeout ({exc})", kind=ErrorKind.TIMEOUT) from exc
        except openai.APIConnectionError as exc:
            raise ProviderError(f"connection failed: {exc.__cause__ or exc}", kind=ErrorKind.NETWORK) from exc
        except openai.APIStatusError as exc:
            raise _status_error(exc, self._key) from exc
        except (openai.APIResponseValidationError, ValueError) as exc:
            raise malformed(exc) from exc
        return _reply(completion)

    async def aclose(self) -> None:
        await self._client.close()


def _status_error(exc: Any, key: str | None) -> ProviderError:
    body = exc.body if exc.body is not None else _text(exc.response)
    body_text = body if isinstance(body, str) else json.dumps(body, default=str)
    kind = classify_http_status(exc.status_code, body_text)
    detail = _error_message(body) or exc.message
    if key and len(key) >= 8:  # a server that echoes the key must not put it in our logs and cooldown reasons
        detail = detail.replace(key, "[key]")
    return ProviderError(f"HTTP {exc.status_code}: {detail}", kind=kind, status=exc.status_code,
                         retry_after_s=retry_after(exc.response.headers.get("retry-after")))


def _reply(completion: Any) -> ModelReply:
    try:
        choice = completion.choices[0]
        message = choice.message
    except (AttributeError, IndexError, TypeError) as exc:
        raise malformed(exc) from exc
    calls = []
    for call in message.tool_calls or ():
        function = getattr(call, "function", None)
        if function is None:  # custom (non-function) tool calls: we never send such tools
            continue
        calls.append(parse_call(call.id, function.name, function.arguments))
    usage = getattr(completion, "usage", None)
    return ModelReply(
        content=message.content,
        tool_calls=tuple(calls),
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        finish_reason=choice.finish_reason,
        cached_tokens=_cached(completion, usage),
    )


def _cached(completion: Any, usage: Any) -> int:
    """Prompt tokens the server reused from its cache: OpenAI's usage detail, else llama.cpp's timings."""
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None)
    if cached is None:
        timings = (getattr(completion, "model_extra", None) or {}).get("timings") or {}
        cached = timings.get("cache_n") if isinstance(timings, dict) else None
    return int(cached or 0)


def parse_call(call_id: str, name: str, raw: Any) -> ToolCall:
    """Arguments arrive as a JSON string (OpenAI) or an object (Ollama); a bad one is kept with its error."""
    if isinstance(raw, dict):
        return ToolCall(call_id, name, dict(raw), json.dumps(raw))
    text = raw or "{}"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return ToolCall(call_id, name, None, text, f"arguments are not valid JSON ({exc.msg} at {exc.pos})")
    if not isinstance(value, dict):
        return ToolCall(call_id, name, None, text, "arguments must be a JSON object")
    return ToolCall(call_id, name, value, text)


def malformed(exc: BaseException) -> ProviderError:
    # A 2xx that is not a chat completion is the server misbehaving: treated like a 5xx (fail over).
    return ProviderError(f"malformed response: {type(exc).__name__}: {str(exc)[:200]}", kind=ErrorKind.HTTP_5XX)


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is rare for APIs and treated as absent)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _error_message(body: Any) -> str:
    if isinstance(body, list) and body:  # Gemini wraps its error in a list
        body = body[0]
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            return str(inner.get("message") or inner.get("code") or "")[:300]
        return str(inner)[:300]
    return str(body or "")[:300]


def _text(response: Any) -> str:
    try:
        return str(response.text)
    except Exception:  # a streamed or closed body: the status alone will do
        return ""
