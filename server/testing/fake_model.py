"""A scripted model server that speaks real HTTP, for testing anything that calls a model.

No real model can run in a test, but the SDKs, the HTTP, the timeouts and the error
bodies can: this server answers like OpenAI's chat completions (which Gemini and local
servers also speak) and like Ollama's native API, from a script you write.

    from server.testing.fake_model import Call, Fault, FakeModelServer, Reply

    async with FakeModelServer("openai") as fake:          # or `with` in synchronous code
        fake.script(
            Fault.server_error(),                           # 1st request: HTTP 500
            Reply(tool_calls=[Call("crm_list_leads", {"limit": 5})], usage=(120, 15)),
            Reply("Two leads are open."),
        )
        env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.base_url}
        ...                                                 # or OLLAMA_HOST=fake.url for Ollama
        assert "crm_list_leads" in fake.requests[1].tool_names

Endpoints: ``POST /v1/chat/completions``, ``GET /v1/models`` (``base_url``) and
``POST /api/chat``, ``GET /api/tags``, ``POST /api/show`` (``url``, Ollama's host); with
``context_window`` set, the window is reported where each server reports it (llama.cpp's
``GET /props`` and ``/v1/models`` ``meta.n_ctx``, Ollama's ``/api/show``). Steps are served in order
from the script; when it runs out, ``responder(request)`` decides (it runs in the server's
thread), else the answer is a 500 saying the script is exhausted. Every request is kept
in ``requests`` (model, messages, tools sent) for assertions.

Faults: ``Fault.unauthorized()`` 401, ``Fault.forbidden()`` 403, ``Fault.rate_limited()``
429 rate_limit_exceeded (optional Retry-After), ``Fault.insufficient_quota()`` 429
insufficient_quota, ``Fault.server_error()`` 500, ``Delay(s)`` to outlast a short client
timeout (the wait ends early when the server stops, so nothing sleeps for long), and
``Malformed()`` for a 200 whose body is not a chat completion.

Strict by default: a request whose conversation a real server would refuse (content null beside
tool calls, arguments that are not a JSON object, a tool result answering no call) gets that
server's error instead of the script's next step (server/testing/model_shapes.py).

The server runs in a background thread with its own event loop, so it serves the same
way to async tests, to synchronous code, and to a CLI that calls ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from server.testing.model_shapes import refusal

if TYPE_CHECKING:
    import pytest


@dataclass(frozen=True)
class Call:
    """A tool call the fake model makes. A ``str`` ``arguments`` is sent verbatim (e.g. broken JSON)."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    content: str | None = None
    tool_calls: Sequence[Call] = ()
    usage: tuple[int, int] | None = None  # (prompt, completion); estimated from the text when None


@dataclass(frozen=True)
class Fault:
    status: int
    message: str
    code: str | None = None
    type: str | None = None
    retry_after: float | None = None

    @classmethod
    def unauthorized(cls) -> Fault:
        return cls(401, "Incorrect API key provided.", "invalid_api_key", "invalid_request_error")

    @classmethod
    def forbidden(cls) -> Fault:
        return cls(403, "Project does not have access to this model.", "model_not_allowed", "permission_denied")

    @classmethod
    def rate_limited(cls, retry_after: float | None = None) -> Fault:
        return cls(429, "Rate limit reached for requests per min.", "rate_limit_exceeded", "requests", retry_after)

    @classmethod
    def insufficient_quota(cls) -> Fault:
        return cls(429, "You exceeded your current quota, please check your plan and billing details.",
                   "insufficient_quota", "insufficient_quota")

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls(status, "The server had an error while processing your request.", None, "server_error")


@dataclass(frozen=True)
class Delay:
    """Answer ``then`` after ``seconds`` (longer than the client's timeout to simulate one)."""

    seconds: float
    then: Step | None = None


@dataclass(frozen=True)
class Malformed:
    body: str = '{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"message": '


Step = Reply | Fault | Delay | Malformed


@dataclass(frozen=True)
class RecordedRequest:
    api: Literal["openai", "ollama"]
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def tools(self) -> list[dict[str, Any]]:
        return list(self.body.get("tools") or [])

    @property
    def tool_names(self) -> list[str]:
        return [t["function"]["name"] for t in self.tools]


class FakeModelServer:
    def __init__(self, name: str = "fake", *, models: Sequence[str] = ("fake-model",), api_key: str | None = None,
                 responder: Callable[[RecordedRequest], Step] | None = None, strict: bool = True,
                 context_window: int | None = None) -> None:
        self.name = name
        self.strict = strict
        self.context_window = context_window
        self.models = tuple(models)
        self.api_key = api_key  # when set, an OpenAI-style request with another key gets a 401
        self.responder = responder
        self._steps: deque[Step] = deque()
        self._requests: list[RecordedRequest] = []
        self._cond = threading.Condition()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._server: Any = None
        self.port = 0
        self.listings = 0  # GET /v1/models and /api/tags (reachability probes), kept apart from requests

    # -- scripting and inspection (any thread) ------------------------------------------------
    def script(self, *steps: Step) -> FakeModelServer:
        with self._cond:
            self._steps.extend(steps)
        return self

    def rescript(self, *steps: Step) -> FakeModelServer:
        """What the next requests get from now on, whatever of the script is left."""
        with self._cond:
            self._steps.clear()
            self._steps.extend(steps)
        return self

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._cond:
            return list(self._requests)

    @property
    def pending(self) -> int:
        """Scripted steps not served yet."""
        with self._cond:
            return len(self._steps)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self._requests) >= count, timeout)

    async def requests_reached(self, count: int, wait_s: float = 5.0) -> bool:
        """Wait (without blocking the event loop) until ``count`` requests arrived, at most ``wait_s``."""
        return await anyio.to_thread.run_sync(self.wait_for_requests, count, wait_s)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def as_only_openai(self, monkeypatch: pytest.MonkeyPatch) -> FakeModelServer:
        """Make this server the instance's one provider, as OpenAI, for the test: the other providers'
        settings (server/providers/settings.py) are cleared so the chain never reaches past it."""
        for name in ("GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", self.base_url)
        return self

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> FakeModelServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)  # connections queue in the backlog until uvicorn accepts them
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(sock),), daemon=True,
                                        name=f"fake-model-{self.name}")
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError(f"fake model server {self.name} did not start")
        return self

    def stop(self) -> None:
        self.request_stop()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def request_stop(self) -> None:
        """Begin shutting down without waiting (uvicorn takes ~0.2 s): stop several servers in parallel
        with ``request_stop()`` on each, then ``stop()`` on each."""
        if self._server is not None:
            self._server.should_exit = True
        if self._loop is not None and self._stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                self._loop.call_soon_threadsafe(self._stopping.set)

    def __enter__(self) -> FakeModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> FakeModelServer:
        return await anyio.to_thread.run_sync(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await anyio.to_thread.run_sync(self.stop)

    async def _serve(self, sock: socket.socket) -> None:
        import uvicorn

        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        config = uvicorn.Config(self._asgi(), log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        await self._server.serve(sockets=[sock])

    def _asgi(self) -> Starlette:
        @contextlib.asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            self._ready.set()
            yield

        return Starlette(routes=[
            Route("/v1/chat/completions", self._openai_chat, methods=["POST"]),
            Route("/v1/models", self._openai_models, methods=["GET"]),
            Route("/api/chat", self._ollama_chat, methods=["POST"]),
            Route("/api/tags", self._ollama_tags, methods=["GET"]),
            Route("/api/show", self._ollama_show, methods=["POST"]),
            Route("/props", self._llama_props, methods=["GET"]),
            Route("/", lambda _: PlainTextResponse("Ollama is running"), methods=["GET"]),
        ], lifespan=lifespan)

    # -- serving (the server's thread) --------------------------------------------------------
    async def _record(self, api: Literal["openai", "ollama"], request: Request) -> tuple[RecordedRequest, Step]:
        try:
            body = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError:
            body = {}
        recorded = RecordedRequest(api, request.url.path, dict(request.headers), body)
        refused = refusal(api, body) if self.strict else None
        with self._cond:
            self._requests.append(recorded)
            count = len(self._requests)
            step = self._steps.popleft() if self._steps and refused is None else None
            self._cond.notify_all()
        if refused is not None:
            return recorded, Fault(refused[0], refused[1], None, "invalid_request_error")
        if step is None:
            step = self.responder(recorded) if self.responder is not None else Fault(
                500, f"fake model {self.name}: script exhausted at request {count}", None, "server_error")
        while isinstance(step, Delay):
            with contextlib.suppress(TimeoutError):
                assert self._stopping is not None
                await asyncio.wait_for(self._stopping.wait(), step.seconds)
            step = step.then or Reply("(answered after a delay)")
        return recorded, step

    async def _openai_chat(self, request: Request) -> Response:
        recorded, step = await self._record("openai", request)
        if self.api_key is not None and recorded.headers.get("authorization") != f"Bearer {self.api_key}":
            step = Fault.unauthorized()
        if isinstance(step, Fault):
            headers = {"retry-after": f"{step.retry_after:g}"} if step.retry_after is not None else None
            error = {"message": step.message, "type": step.type, "param": None, "code": step.code}
            return JSONResponse({"error": error}, step.status, headers=headers)
        if isinstance(step, Malformed):
            return Response(step.body, 200, media_type="application/json")
        assert isinstance(step, Reply)
        n = len(self.requests)
        calls = [{"id": f"call_{self.name}_{n}_{i}", "type": "function",
                  "function": {"name": c.name, "arguments": c.arguments if isinstance(c.arguments, str)
                               else json.dumps(c.arguments)}} for i, c in enumerate(step.tool_calls)]
        prompt, completion = _usage(step, recorded)
        message: dict[str, Any] = {"role": "assistant", "content": step.content}
        if calls:
            message["tool_calls"] = calls
        return JSONResponse({
            "id": f"chatcmpl-{self.name}-{n}", "object": "chat.completion", "created": 1_790_000_000,
            "model": recorded.model, "system_fingerprint": None,
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        })

    async def _ollama_chat(self, request: Request) -> Response:
        recorded, step = await self._record("ollama", request)
        if isinstance(step, Fault):
            return JSONResponse({"error": f"{step.code or step.type}: {step.message}"}, step.status)
        if isinstance(step, Malformed):
            return Response(step.body, 200, media_type="application/json")
        assert isinstance(step, Reply)
        prompt, completion = _usage(step, recorded)
        message: dict[str, Any] = {"role": "assistant", "content": step.content or ""}
        if step.tool_calls:
            message["tool_calls"] = [
                {"function": {"name": c.name, "arguments": json.loads(c.arguments) if isinstance(c.arguments, str)
                              else c.arguments}} for c in step.tool_calls]
        body = {"model": recorded.model, "created_at": "2026-11-02T09:00:00Z", "message": message, "done": True,
                "done_reason": "stop", "total_duration": 1_000_000, "prompt_eval_count": prompt,
                "eval_count": completion}
        if recorded.body.get("stream"):
            return Response(json.dumps(body) + "\n", 200, media_type="application/x-ndjson")
        return JSONResponse(body)

    async def _openai_models(self, _: Request) -> Response:
        self.listings += 1
        meta = {"meta": {"n_ctx": self.context_window}} if self.context_window else {}
        return JSONResponse({"object": "list", "data": [
            {"id": m, "object": "model", "created": 1_790_000_000, "owned_by": self.name, **meta}
            for m in self.models]})

    async def _llama_props(self, _: Request) -> Response:
        if not self.context_window:
            return JSONResponse({"error": {"code": 404, "message": "File Not Found"}}, 404)
        return JSONResponse({"default_generation_settings": {"n_ctx": self.context_window}, "total_slots": 1})

    async def _ollama_show(self, request: Request) -> Response:
        model = json.loads(await request.body() or b"{}").get("model")
        if model not in self.models:
            return JSONResponse({"error": f"model '{model}' not found"}, 404)
        info = {"general.architecture": "llama", "llama.context_length": self.context_window or 131_072}
        return JSONResponse({"modelfile": "", "parameters": "", "template": "", "model_info": info,
                             "capabilities": ["completion", "tools"]})

    async def _ollama_tags(self, _: Request) -> Response:
        self.listings += 1
        return JSONResponse({"models": [
            {"name": m, "model": m, "modified_at": "2026-11-01T00:00:00Z", "size": 1, "digest": "0" * 64}
            for m in self.models]})


def _usage(step: Reply, recorded: RecordedRequest) -> tuple[int, int]:
    if step.usage is not None:
        return step.usage
    # About 4 characters per token: enough for budget arithmetic in tests that do not pin usage.
    sent = len(json.dumps(recorded.messages)) + len(json.dumps(recorded.tools))
    produced = len(step.content or "") + sum(len(json.dumps(c.arguments)) + len(c.name) for c in step.tool_calls)
    return max(1, sent // 4), max(1, produced // 4)
