"""Adapter for Ollama's native chat API (``/api/chat``).

Why the ``ollama`` client rather than Ollama's OpenAI-compatible endpoint: the native
API is the one every Ollama version serves, it reports token counts
(``prompt_eval_count`` / ``eval_count``) and takes per-request options, and the
official client is thin (httpx underneath). It is imported lazily like the OpenAI SDK
and has no retries of its own, so failover stays ours.

The conversation is kept in OpenAI's shape everywhere else; this adapter translates:
tool-call arguments become objects, and a tool result names its tool (``tool_name``)
because Ollama has no call ids; every request says how long the reply may be and how much
context to allocate (``num_predict``, ``num_ctx``). Ids for the calls it returns are made up here so the
loop can pair results with calls either way.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from server.providers.errors import ProviderError
from server.providers.openai_compat import malformed, parse_call
from server.providers.types import AiConfig, ModelReply
from skills import ErrorKind, classify_http_status


class OllamaAdapter:
    def __init__(self, config: AiConfig, *, timeout_s: float) -> None:
        import ollama  # lazy: the server's cold start must not pay for provider SDKs

        self._ollama = ollama
        self._client = ollama.AsyncClient(host=config.base_url, timeout=timeout_s)

    async def chat(self, model: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]], *,
                   max_tokens: int, context_window: int) -> ModelReply:
        ollama = self._ollama
        # num_ctx: Ollama's own default (2-4k) would silently cut the conversation the budget planned for.
        options = {"num_predict": max_tokens, "num_ctx": context_window}
        try:
            response = await self._client.chat(model=model, messages=to_ollama(messages), tools=tools or None,
                                               stream=False, options=options)
        except ollama.ResponseError as exc:
            status = exc.status_code if exc.status_code >= 400 else 502
            raise ProviderError(f"HTTP {status}: {exc.error}", kind=classify_http_status(status, str(exc.error)),
                                status=status) from exc
        except httpx.TimeoutException as exc:
            raise ProviderError(f"no answer within the timeout ({type(exc).__name__})", kind=ErrorKind.TIMEOUT) \
                from exc
        except (ConnectionError, httpx.TransportError) as exc:
            raise ProviderError(f"connection failed: {exc}", kind=ErrorKind.NETWORK) from exc
        except ValueError as exc:  # JSON decoding and pydantic validation of the body
            raise malformed(exc) from exc
        message = response.message
        calls = tuple(
            parse_call(f"ollama_{uuid.uuid4().hex[:12]}", c.function.name, dict(c.function.arguments))
            for c in message.tool_calls or ()
        )
        return ModelReply(
            content=message.content or None,
            tool_calls=calls,
            prompt_tokens=int(response.prompt_eval_count or 0),
            completion_tokens=int(response.eval_count or 0),
            finish_reason=response.done_reason,
        )

    async def aclose(self) -> None:
        await self._client.close()  # type: ignore[no-untyped-call]  # the ollama client leaves it unannotated


def to_ollama(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI-shaped messages -> Ollama's: object arguments, tool results named by tool."""
    names: dict[str, str] = {}
    out = []
    for m in messages:
        if m["role"] == "assistant" and m.get("tool_calls"):
            calls = []
            for c in m["tool_calls"]:
                names[c["id"]] = c["function"]["name"]
                calls.append({"function": {"name": c["function"]["name"], "arguments": _object(c["function"])}})
            out.append({"role": "assistant", "content": m.get("content") or "", "tool_calls": calls})
        elif m["role"] == "tool":
            out.append({"role": "tool", "content": m.get("content") or "",
                        "tool_name": names.get(m.get("tool_call_id", ""), "")})
        else:
            out.append({"role": m["role"], "content": m.get("content") or ""})
    return out


def _object(function: dict[str, Any]) -> dict[str, Any]:
    call = parse_call("", function["name"], function.get("arguments"))
    return call.arguments or {}
