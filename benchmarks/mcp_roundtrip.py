"""Cold start and tools/call round trip over stdio, Pilothouse vs a bare SDK server, side by side.

    python benchmarks/mcp_roundtrip.py [--calls 300] [--starts 5]

(a) cold start: from spawning the process to the first tools/list answer;
(b) p50/p99 of tools/call on a trivial read-only skill (crm_get_lead; Pilothouse runs it through
the full executor, activity row included). Both servers are measured in the same run, interleaved,
so the ratios hold on a noisy shared machine. Targets: cold start <= 1.5x, call p50 <= 1.3x.
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


def servers(db: str) -> dict[str, StdioServerParameters]:
    env = {**os.environ, "PILOTHOUSE_DB": db}
    return {
        "pilothouse": StdioServerParameters(command=sys.executable, args=["-m", "server.cli.main", "serve"], env=env),
        "bare": StdioServerParameters(command=sys.executable, args=[str(HERE / "bare_server.py")], env=env),
    }


async def cold_start(params: StdioServerParameters) -> float:
    started = time.perf_counter()
    async with Client(params) as client:
        await client.list_tools()
        return time.perf_counter() - started


async def call_latencies(params: StdioServerParameters, calls: int) -> list[float]:
    async with Client(params) as client:
        await client.call_tool("crm_create_lead", {"email": "bench@example.com"}) if "serve" in params.args else None
        for _ in range(20):  # warm-up
            await client.call_tool("crm_get_lead", {"lead_id": 1})
        samples = []
        for _ in range(calls):
            t0 = time.perf_counter()
            result = await client.call_tool("crm_get_lead", {"lead_id": 1})
            samples.append(time.perf_counter() - t0)
            assert not result.is_error, result.content
        return samples


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
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = servers(str(Path(tmp) / "bench.db"))
        await cold_start(targets["pilothouse"])  # first run creates and migrates the database
        starts: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(args.starts):
            for name, params in targets.items():
                starts[name].append(await cold_start(params))
        latencies = {name: await call_latencies(params, args.calls) for name, params in targets.items()}
        inside = executor_durations(Path(tmp) / "bench.db")
    cold = {name: statistics.median(values) * 1000 for name, values in starts.items()}
    print(f"cold start (median of {args.starts}):  pilothouse {cold['pilothouse']:.0f} ms   "
          f"bare {cold['bare']:.0f} ms   ratio {cold['pilothouse'] / cold['bare']:.2f}x (target <= 1.5x)")
    spread = {name: f"{min(v) * 1000:.0f}-{max(v) * 1000:.0f} ms" for name, v in starts.items()}
    print(f"  cold start range:  pilothouse {spread['pilothouse']}   bare {spread['bare']}")
    for q, label in ((0.5, "p50"), (0.99, "p99")):
        ours, bare = pct(latencies["pilothouse"], q), pct(latencies["bare"], q)
        target = " (target <= 1.3x)" if label == "p50" else ""
        print(f"tools/call {label} ({args.calls} calls):  pilothouse {ours:.2f} ms   bare {bare:.2f} ms   "
              f"ratio {ours / bare:.2f}x{target}")
    if inside:
        print(f"  inside the executor (activity.duration_ms, up to the activity row):  p50 {pct(inside, 0.5):.3f} ms   "
              f"p99 {pct(inside, 0.99):.3f} ms")


if __name__ == "__main__":
    asyncio.run(main())
