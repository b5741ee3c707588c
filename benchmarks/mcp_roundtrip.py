"""Cold start and tools/call round trip over stdio, Pilothouse vs a bare SDK server, side by side.

    python benchmarks/mcp_roundtrip.py [--calls 300] [--starts 7] 2>/dev/null   (the servers log to stderr)

(a) cold start: from spawning the process to the first tools/list answer;
(b) p50/p99 of tools/call on a trivial read-only skill (crm_get_lead; Pilothouse runs it through
the full executor, activity row included). Both servers are measured in the same run, interleaved
(start for start, call for call), so the ratios hold on a noisy shared machine.
Targets: cold start <= 1.3x, call p50 <= 1.25x.

Cold start is measured twice. "installed": Python may cache bytecode (in a private
PYTHONPYCACHEPREFIX), as on any machine from a server's second start; pip compiled the SDK's
bytecode at install time, while the editable project's sources have none until then. "no
bytecode cache": PYTHONDONTWRITEBYTECODE=1 as some sandboxes set it, so every start of the
editable install compiles its ~200 source files again (the bare server's imports stay compiled).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from mcp import Client, StdioServerParameters

HERE = Path(__file__).parent


def servers(db: str, pycache: str | None) -> dict[str, StdioServerParameters]:
    env = {**os.environ, "PILOTHOUSE_DB": db}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = pycache
    return {
        "pilothouse": StdioServerParameters(command=sys.executable, args=["-m", "server.cli.main", "serve"], env=env),
        "bare": StdioServerParameters(command=sys.executable, args=[str(HERE / "bare_server.py")], env=env),
    }


async def cold_start(params: StdioServerParameters) -> float:
    started = time.perf_counter()
    async with Client(params) as client:
        await client.list_tools()
        return time.perf_counter() - started


async def call_latencies(targets: dict[str, StdioServerParameters], calls: int) -> dict[str, list[float]]:
    """Both servers up at once, called in turn, so a load spike on the machine hits both alike."""
    async with Client(targets["pilothouse"]) as ours, Client(targets["bare"]) as bare:
        await ours.call_tool("crm_create_lead", {"email": "bench@example.com"})
        clients = {"pilothouse": ours, "bare": bare}
        samples: dict[str, list[float]] = {name: [] for name in clients}
        for i in range(20 + calls):  # the first 20 rounds warm up
            for name, client in clients.items():
                t0 = time.perf_counter()
                result = await client.call_tool("crm_get_lead", {"lead_id": 1})
                if i >= 20:
                    samples[name].append(time.perf_counter() - t0)
                assert not result.is_error, result.content
        return samples


async def cold_starts(targets: dict[str, StdioServerParameters], count: int) -> dict[str, float]:
    """Median seconds per server, after one unmeasured start each (it migrates, fills caches)."""
    for params in targets.values():
        await cold_start(params)
    starts: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(count):
        for name, params in targets.items():
            starts[name].append(await cold_start(params))
    return {name: statistics.median(values) for name, values in starts.items()}


def executor_durations(db: Path) -> list[float]:
    """Seconds each measured call spent in Pilothouse's executor, as its activity row recorded (reporting only)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT duration_ms FROM activity WHERE skill = 'crm_get_lead' AND caller = 'mcp'")
        return [ms / 1000 for (ms,) in rows]


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--starts", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        for label, pycache in (("installed", str(Path(tmp) / "pycache")), ("no bytecode cache", None)):
            cold = await cold_starts(servers(db, pycache), args.starts)
            print(f"cold start, {label} (median of {args.starts}):  pilothouse {cold['pilothouse'] * 1000:.0f} ms   "
                  f"bare {cold['bare'] * 1000:.0f} ms   ratio {cold['pilothouse'] / cold['bare']:.2f}x "
                  "(target <= 1.3x)")
        latencies = await call_latencies(servers(db, str(Path(tmp) / "pycache")), args.calls)
        inside = executor_durations(Path(db))
    for q, label in ((0.5, "p50"), (0.99, "p99")):
        ours, bare = pct(latencies["pilothouse"], q), pct(latencies["bare"], q)
        target = " (target <= 1.25x)" if label == "p50" else ""
        print(f"tools/call {label} ({args.calls} calls each, interleaved):  pilothouse {ours:.2f} ms   "
              f"bare {bare:.2f} ms   ratio {ours / bare:.2f}x{target}")
    if inside:
        print(f"  inside the executor (activity.duration_ms, up to the activity row):  p50 {pct(inside, 0.5):.3f} ms   "
              f"p99 {pct(inside, 0.99):.3f} ms")


if __name__ == "__main__":
    asyncio.run(main())
