"""The agent against a real local model: seconds, tokens and llama.cpp's prompt cache, before and after.

    python3 server/testing/llama_build.py                            # once per machine (~12 min)
    git worktree add /tmp/ph-before <commit>                         # or: git archive <commit> | tar -x -C DIR
    .venv/bin/python benchmarks/real_model.py --before /tmp/ph-before

Each variant (``--before`` a source tree, and this tree as "after") gets its own ``llama-server``
(SmolLM2-135M-Instruct, 8k context, the ChatML tool template; server/testing/llama_build.py) and
its own fresh instance (``seed-demo``, ``agent enable``, one objective), and is driven the way a
person drives it: ``pilothouse ask "..." --json`` and ``pilothouse heartbeat --once --json`` as
subprocesses of that tree, with the defaults a user gets and the server as ``LOCAL_AI_BASE_URL``,
except the timeouts: a run, a heartbeat and one model call may take 1,800 s and the reachability
probe 10 s, so that on a busy machine each run is timed to its end rather than to a timeout.
Besides seconds, the table gives what the server did (tokens processed, reused, generated, and its
own compute time), which a busy machine slows but does not change.
The variants take turns request by request, so both see the same machine load.

Between each CLI and its server sits a recording proxy: for every model request it keeps what
llama.cpp reports (``timings``: prompt tokens processed, tokens reused from its prompt cache,
tokens generated) and the size of the tool definitions sent (the runtime's own token counter).
"cached share" is cache_n / (cache_n + prompt_n) over all requests: the part of every prompt the
server did not have to process again. The model is weak; what is measured is the runtime.

Targets (issue 29): median seconds per ``ask`` at most half of "before", tool definitions at
most 1,500 tokens per request for this 8k-context model.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from server.testing.llama_build import artifacts
from server.testing.llama_server import LlamaServer
from server.tokens import TokenCounter, get_counter

HERE = Path(__file__).resolve().parent.parent
ASKS = (
    "How many leads are open right now?",
    "Which invoices are overdue, and who owes us the most?",
    "List the open support tickets.",
    "Create a lead for grace@example.com who came from a referral.",
    "What is on the calendar this week?",
    "How many blog posts are published?",
)
OBJECTIVE = {"goal": "Publish 3 blog posts this week", "success_criteria": "3 posts published",
             "steps": ["Draft a post", "Publish it"], "priority": 1}
TIMEOUT_S = 1800
PROVIDER_VARIABLES = ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL", "LOCAL_AI_MODEL")


@dataclass
class Variant:
    name: str
    root: Path
    server: LlamaServer
    work: Path
    requests: list[dict[str, Any]] = field(default_factory=list)
    asks: list[dict[str, Any]] = field(default_factory=list)
    heartbeats: list[dict[str, Any]] = field(default_factory=list)
    proxy: ThreadingHTTPServer | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in PROVIDER_VARIABLES and not k.startswith("PILOTHOUSE_")}
        assert self.proxy is not None
        env.update(PYTHONPATH=str(self.root), LOCAL_AI_BASE_URL=f"http://127.0.0.1:{self.proxy.server_port}/v1",
                   PILOTHOUSE_DB=str(self.work / "bench.db"), XDG_CONFIG_HOME=str(self.work / "config"),
                   # A CPU model on a shared machine: time each run to its end, not to a timeout.
                   PILOTHOUSE_AI_TIMEOUT_S=str(TIMEOUT_S), PILOTHOUSE_AI_PROBE_TIMEOUT_S="10")
        return env

    def cli(self, *args: str) -> tuple[float, int, str]:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "server.cli.main", *args], cwd=self.root, env=self.env(),
                              capture_output=True, text=True, check=False)
        return time.perf_counter() - started, done.returncode, done.stdout


def recording_proxy(variant: Variant, counter: TokenCounter) -> ThreadingHTTPServer:
    # No keep-alive: llama-server closes idle connections, and a POST on a closed one is not retried.
    upstream = httpx.Client(base_url=variant.server.url, timeout=None, limits=httpx.Limits(max_keepalive_connections=0))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _relay(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            started = time.perf_counter()
            try:
                response = upstream.request(method, self.path, content=body, headers={
                    "content-type": self.headers.get("content-type", "application/json")})
            except httpx.HTTPError as exc:
                response = httpx.Response(502, json={"error": {"message": f"proxy: {exc!r}"}})
            if method == "POST" and self.path.endswith("/chat/completions"):
                self._record(json.loads(body or b"{}"), response, time.perf_counter() - started)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
                self.send_response(response.status_code)
                self.send_header("content-type", response.headers.get("content-type", "application/json"))
                self.send_header("content-length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)

        def _record(self, sent: dict[str, Any], response: httpx.Response, seconds: float) -> None:
            answer = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            timings = answer.get("timings") or {}
            with lock:
                variant.requests.append({
                    "status": response.status_code, "seconds": seconds,
                    "tool_tokens": counter.count_json(sent["tools"]) if sent.get("tools") else 0,
                    "tools": len(sent.get("tools") or []), "max_tokens": sent.get("max_tokens"),
                    "prompt_n": int(timings.get("prompt_n", 0)), "cache_n": int(timings.get("cache_n", 0)),
                    "predicted_n": int(timings.get("predicted_n", 0)),
                    "server_s": (float(timings.get("prompt_ms", 0)) + float(timings.get("predicted_ms", 0))) / 1000,
                })

        def do_POST(self) -> None:
            self._relay("POST")

        def do_GET(self) -> None:
            self._relay("GET")

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    return proxy


def prepare(variant: Variant) -> None:
    for args in (["seed-demo"], ["agent", "enable"], ["modules", "configure", "pilot", f"wall_clock_s={TIMEOUT_S}"],
                 ["call", "pilot_create_objective", "--args", json.dumps(OBJECTIVE)]):
        _, code, out = variant.cli(*args)
        if code != 0:
            raise SystemExit(f"{variant.name}: pilothouse {' '.join(args)} failed: {out[-500:]}")


def ask(variant: Variant, request: str) -> None:
    first = len(variant.requests)
    seconds, _, out = variant.cli("ask", request, "--json", "--timeout", str(TIMEOUT_S))
    record = _json(out)
    variant.asks.append({"seconds": seconds, "stop": record.get("stop_reason", "crashed"),
                         "requests": variant.requests[first:]})


def heartbeat(variant: Variant) -> None:
    first = len(variant.requests)
    seconds, _, out = variant.cli("heartbeat", "--once", "--json")
    record = _json(out)
    variant.heartbeats.append({"seconds": seconds, "stop": record.get("status", "crashed"),
                               "requests": variant.requests[first:]})


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def figures(variant: Variant) -> dict[str, float]:
    reqs = variant.requests
    def per_ask(key: str) -> float:
        return statistics.fmean(sum(r[key] for r in a["requests"]) for a in variant.asks)

    prompt = statistics.fmean(sum(r["prompt_n"] + r["cache_n"] for r in a["requests"]) for a in variant.asks)
    cached, processed = sum(r["cache_n"] for r in reqs), sum(r["prompt_n"] for r in reqs)
    return {
        "ask: median seconds": statistics.median(a["seconds"] for a in variant.asks),
        "ask: mean seconds": statistics.fmean(a["seconds"] for a in variant.asks),
        "heartbeat: mean seconds": statistics.fmean(h["seconds"] for h in variant.heartbeats or [{"seconds": 0}]),
        "ask: model calls (mean)": statistics.fmean(len(a["requests"]) for a in variant.asks),
        "ask: prompt tokens (mean)": prompt,
        "ask: prompt tokens processed (mean)": per_ask("prompt_n"),
        "ask: completion tokens (mean)": per_ask("predicted_n"),
        "ask: server compute seconds (mean)": per_ask("server_s"),
        "model requests": len(reqs),
        "cached share of prompt tokens": cached / max(1, cached + processed),
        "tool-definition tokens (max/request)": max((r["tool_tokens"] for r in reqs), default=0),
        "requests without max_tokens": sum(1 for r in reqs if not r["max_tokens"]),
        "HTTP errors from the server": sum(1 for r in reqs if r["status"] >= 400),
        "asks ended provider_error": sum(1 for a in variant.asks if a["stop"] == "provider_error"),
    }


def report(variants: list[Variant]) -> None:
    table = [figures(v) for v in variants]
    print(f"{'':40}" + "".join(f"{v.name:>12}" for v in variants) + ("   after/before" if len(variants) == 2 else ""))
    for key in table[0]:
        cells = "".join(f"{_fmt(t[key]):>12}" for t in table)
        ratio = f"   {table[1][key] / table[0][key]:.2f}" if len(table) == 2 and table[0][key] else ""
        print(f"{key:40}{cells}{ratio}")
    for v in variants:
        stops = [a["stop"] for a in v.asks] + [f"heartbeat {h['stop']}" for h in v.heartbeats]
        print(f"{v.name} stops: {', '.join(stops)}")


def _fmt(value: float) -> str:
    return f"{value:.2f}" if isinstance(value, float) and value < 10 else f"{value:,.0f}" if value >= 10 else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="a source tree to compare with (e.g. a checkout of main)")
    parser.add_argument("--after", type=Path, default=HERE, help="the tree to measure (default: this one)")
    parser.add_argument("--only-before", action="store_true", help="measure --before alone")
    parser.add_argument("--asks", type=int, default=len(ASKS), help=f"ask requests per variant (max {len(ASKS)})")
    parser.add_argument("--heartbeats", type=int, default=2, help="heartbeat cycles per variant")
    parser.add_argument("--json", type=Path, help="also write every request's figures to this file")
    args = parser.parse_args()
    found = artifacts()
    if found.missing():
        raise SystemExit(f"missing {'; '.join(found.missing())}; build with: python3 server/testing/llama_build.py")
    counter = asyncio.run(get_counter())
    roots = ([("before", args.before.resolve())] if args.before else []) + (
        [] if args.only_before else [("after", args.after.resolve())])
    with tempfile.TemporaryDirectory() as tmp:
        variants = [Variant(name, root, LlamaServer(found), Path(tmp) / name) for name, root in roots]
        try:
            for v in variants:
                v.work.mkdir()
                v.server.start()
                v.proxy = recording_proxy(v, counter)
                prepare(v)
            for request in ASKS[: args.asks]:
                for v in variants:
                    ask(v, request)
            for _ in range(args.heartbeats):
                for v in variants:
                    heartbeat(v)
        finally:
            for v in variants:
                if v.proxy is not None:
                    v.proxy.shutdown()
                v.server.stop()
    report(variants)
    if args.json:
        args.json.write_text(json.dumps({v.name: {"asks": v.asks, "heartbeats": v.heartbeats} for v in variants}))


if __name__ == "__main__":
    main()
