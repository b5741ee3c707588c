"""Scaling out: 8 MCP clients writing through 1 SQLite instance, and 1, 2, 3 PostgreSQL instances.

    python benchmarks/scale_out.py [--clients 8] [--seconds 10]

Each instance is a real `pilothouse serve --http` process; the clients are the real MCP SDK client
over streamable HTTP, spread round-robin over the instances, each calling crm_create_lead (a
transactional write: the lead, its event, its activity row) as fast as it is answered. Printed
side by side: calls/s, p50 and p99 latency per configuration, and the CPU the serve processes
used per call (start-up included), which is what limits a 2-core machine. A throw-away PostgreSQL
cluster on a free loopback port is started for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
from mcp import Client

from server.testing import McpHarness, free_port
from server.testing.pg_cluster import create_database, start

ROOT = Path(__file__).parents[1]


async def _up(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            try:
                if (await http.get(f"{url}/healthz")).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def _run(db: str, instances: int, clients: int, seconds: float) -> tuple[int, list[float]]:
    ports = [free_port() for _ in range(instances)]
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli.main", "--db", db, "serve", "--http", "--port", str(p), cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL) for p in ports]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    latencies: list[float] = []
    try:
        for url in urls:
            await _up(url)
        stop = time.perf_counter() + seconds

        async def client(index: int) -> None:
            async with Client(f"{urls[index % instances]}/mcp") as session:
                mcp, n = McpHarness(session), 0
                while time.perf_counter() < stop:
                    started = time.perf_counter()
                    await mcp.call("crm_create_lead", email=f"c{index}-{n}-{instances}@example.com")
                    latencies.append(time.perf_counter() - started)
                    n += 1

        await asyncio.gather(*(client(i) for i in range(clients)))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            await proc.wait()
    return len(latencies), latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    cluster = start()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            configs: list[tuple[str, str, int]] = [("SQLite", str(Path(tmp) / "bench.db"), 1)]
            configs += [("PostgreSQL", create_database(cluster.dsn, f"bench{n}"), n) for n in (1, 2, 3)]
            for backend, db, n in configs:
                before = os.times()
                calls, latencies = await _run(db, n, args.clients, args.seconds)
                after = os.times()  # the servers were waited for: their CPU is in children_*
                server_cpu = (after.children_user + after.children_system
                              - before.children_user - before.children_system)
                latencies.sort()
                rows.append((backend, n, calls / args.seconds, statistics.median(latencies) * 1000,
                             latencies[int(len(latencies) * 0.99) - 1] * 1000, server_cpu * 1000 / max(calls, 1)))
                if backend == "PostgreSQL":
                    with psycopg.connect(db) as conn:
                        kept = conn.execute("SELECT COUNT(*) FROM crm_leads").fetchone()
                    assert kept is not None and kept[0] == calls, f"lost writes: {kept} of {calls}"
    finally:
        cluster.stop()
        shutil.rmtree(cluster.directory, ignore_errors=True)
    print(f"{args.clients} clients, {args.seconds:.0f} s each, crm_create_lead over streamable HTTP, "
          f"{os.cpu_count()} CPUs")
    print(f"{'backend':<11} {'instances':>9} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'server CPU ms/call':>19}")
    base = rows[1][2]
    for backend, n, rate, p50, p99, cpu in rows:
        ratio = f"  ({rate / base:.2f}x of 1 PG)" if backend == "PostgreSQL" else ""
        print(f"{backend:<11} {n:>9} {rate:>9.1f} {p50:>8.1f} {p99:>8.1f} {cpu:>19.2f}{ratio}")


if __name__ == "__main__":
    asyncio.run(main())
