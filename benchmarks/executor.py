"""The executor's cost, side by side in one run.

    python benchmarks/executor.py [--calls 3000] [--rows 1000000] [--only calls|tracing|evaluation]

1. calls/s and p50/p99 of a trivial read-only skill through the full executor (lookup, validation,
   breaker state, activity row on a WAL file database) against calling its handler directly.
   Targets: overhead <= 1 ms at p50, >= 1,000 calls/s on one core.
2. OpenTelemetry (server/telemetry/): the same call through Executor.call without its hook (today's
   executor), with the hook and nothing configured, and with tracing and metrics on (exported over
   OTLP/HTTP to a sink on loopback), interleaved in blocks, as ratios. Target: off within noise.
3. the 24 h evaluation (flagged_skills) over 1,000,000 activity rows for 500 skills, with the rows
   spread over 30 days and, as the worst case, all within the last 24 h. Target <= 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from server.assembly import open_app
from server.executor import Executor
from server.resilience.evaluation import flagged_skills
from server.telemetry import setup, state
from server.testing.bulk import bulk_module
from skills import SkillContext


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def call_overhead(db: Path, calls: int) -> None:
    async with open_app(db, modules=[bulk_module(1)]) as app:
        skill = app.registry.skills["bulk_echo_000"]
        ctx = SkillContext(db=app.store, http=app.http, clock=app.clock, settings={}, module_id="bulk",
                           skill_name=skill.name)
        direct, full = [], []
        for _ in range(200):  # warm-up
            await app.executor.call(skill.name, {"value": "x"}, caller="mcp")
        started = time.perf_counter()
        for _ in range(calls):  # interleaved, so both see the same machine
            t0 = time.perf_counter()
            await skill.handler(ctx, value="x")
            t1 = time.perf_counter()
            result = await app.executor.call(skill.name, {"value": "x"}, caller="mcp")
            t2 = time.perf_counter()
            assert result.ok
            direct.append(t1 - t0)
            full.append(t2 - t1)
        elapsed = time.perf_counter() - started
        rate = calls / sum(full)
        print(f"executor:  p50 {pct(full, .5):.3f} ms  p99 {pct(full, .99):.3f} ms  {rate:,.0f} calls/s")
        print(f"direct:    p50 {pct(direct, .5):.3f} ms  p99 {pct(direct, .99):.3f} ms")
        print(f"overhead:  p50 {pct(full, .5) - pct(direct, .5):.3f} ms (target <= 1 ms); "
              f"{rate:,.0f} calls/s (target >= 1,000)  [{elapsed:.1f} s]")


class _Accept(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:  # quiet
        pass


@contextmanager
def otlp_sink() -> Iterator[str]:
    """A stand-in OTLP/HTTP collector on loopback, in a thread of its own (answers 200 to every export):
    its base URL, for OTEL_EXPORTER_OTLP_ENDPOINT, while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Accept)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def tracing_overhead(db: Path, calls: int, block: int = 100) -> None:
    async with open_app(db, modules=[bulk_module(1)]) as app:
        bare = Executor.call.__wrapped__  # type: ignore[attr-defined]  # the call without its telemetry hook
        runs = {
            "no hook (today)": lambda: bare(app.executor, "bulk_echo_000", {"value": "x"}, caller="mcp"),
            "hook, nothing set": lambda: app.executor.call("bulk_echo_000", {"value": "x"}, caller="mcp"),
            "tracing + metrics on": lambda: app.executor.call("bulk_echo_000", {"value": "x"}, caller="mcp"),
        }
        samples: dict[str, list[float]] = {name: [] for name in runs}
        with otlp_sink() as endpoint:
            os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
            active = setup.from_env()
            assert active is not None
            for _ in range(200):  # warm-up, both paths
                await app.executor.call("bulk_echo_000", {"value": "x"}, caller="mcp")
            for _ in range(calls // block):  # interleaved blocks: all three see the same machine
                for name, run in runs.items():
                    state.set_active(active if name == "tracing + metrics on" else None)
                    for _ in range(block):
                        t0 = time.perf_counter()
                        result = await run()
                        samples[name].append(time.perf_counter() - t0)
                        assert result.ok
            state.set_active(active)
            setup.shutdown()
        base = pct(samples["no hook (today)"], .5)
        print(f"tracing, {calls} calls each, interleaved in blocks of {block}:")
        for name, taken in samples.items():
            p50 = pct(taken, .5)
            print(f"  {name:22} p50 {p50:.3f} ms  p99 {pct(taken, .99):.3f} ms  x{p50 / base:.2f} of today's p50")


async def _median_ms(app, now) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    samples, flags = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        flags = await flagged_skills(app.store, now)
        samples.append(time.perf_counter() - t0)
    return sorted(samples)[2] * 1000, len(flags)


async def evaluation(db: Path, rows: int, spread_days: float) -> None:
    async with open_app(db, modules=[bulk_module(500)]) as app:  # only skills are evaluated: 500 real ones
        now = app.clock.now()
        rng = random.Random(7)
        healthy = ["success"] * 6 + ["negative"] * 3 + ["neutral"]
        failing = ["success"] + ["negative"] * 8 + ["neutral"]  # the first 25 skills: these must be flagged
        batch = []
        for i in range(rows):
            ts = (now - timedelta(seconds=rng.random() * spread_days * 86_400)).isoformat(timespec="seconds")
            skill = i % 500
            batch.append((ts, "mcp", f"bulk_echo_{skill:03d}", "ok", rng.choice(failing if skill < 25 else healthy)))
        t0 = time.perf_counter()
        async with app.store.transaction() as tx:
            await tx.executemany("INSERT INTO activity (ts, caller, skill, status, outcome) VALUES (?, ?, ?, ?, ?)",
                                 batch)
        built = time.perf_counter() - t0
        # A real instance may never have run ANALYZE: measure without statistics, then with them.
        fresh, flagged = await _median_ms(app, now)
        assert flagged == 25, flagged
        await app.store.execute("ANALYZE")
        analyzed, _ = await _median_ms(app, now)
        print(f"evaluation over {rows:,} rows / 500 skills, spread over {spread_days:g} days: "
              f"median {fresh:.0f} ms without statistics, {analyzed:.0f} ms after ANALYZE "
              f"({flagged} flagged; target <= 200 ms)  [rows inserted in {built:.1f} s]")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("calls", "tracing", "evaluation"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "calls"):
            await call_overhead(Path(tmp) / "calls.db", args.calls)
        if args.only in (None, "tracing"):
            await tracing_overhead(Path(tmp) / "tracing.db", args.calls)
        if args.only in (None, "evaluation"):
            await evaluation(Path(tmp) / "eval30.db", args.rows, 30)
            await evaluation(Path(tmp) / "eval1.db", args.rows, 1)


if __name__ == "__main__":
    asyncio.run(main())
