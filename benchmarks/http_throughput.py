"""tools/call throughput over streamable HTTP, Pilothouse vs a bare SDK server, both eras, side by side.

    python benchmarks/http_throughput.py [--clients 8] [--seconds 4] [--rounds 3] 2>/dev/null

Both servers run as real processes on loopback (`pilothouse serve --http` and
benchmarks/bare_server.py --http). For each protocol era (2026-07-28, and the 2025-11-25
handshake) ``--clients`` SDK clients call a trivial read-only tool (crm_get_lead; Pilothouse runs
it through the full executor, activity row included) as fast as they can for ``--seconds``.
Rounds alternate the servers (ours, bare, bare+resumable, ours, ...) so a load spike on a shared
machine hits all alike; the figure is the median of the rounds. Target: at least 0.9x the bare
server's calls/s in both eras.

The work is not the same on both sides, and the output says so: Pilothouse's call reads the lead
from SQLite and commits its activity row (durable, as every call); the bare tool returns a constant.
Pilothouse's streams are resumable (an event store: in the 2025-11-25 era every POST's SSE stream
opens with a priming event and each message is stored); the bare server's are not. The last
column is the like-for-like one: the bare server with the same event store (bare_server.py
--resumable).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from mcp import Client

HERE = Path(__file__).parent
ERAS = {"2026-07-28": "auto", "2025-11-25": "legacy"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        for _ in range(600):
            try:
                httpx.get(url, timeout=0.2)  # any answer means it listens
                break
            except httpx.TransportError:
                if proc.poll() is not None:
                    raise RuntimeError(f"{command} exited") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def throughput(url: str, mode: str, clients: int, seconds: float) -> float:
    """Calls per second of ``clients`` concurrent SDK clients, each calling in a loop."""
    async def one(client: Client, stop: float) -> int:
        done = 0
        while time.perf_counter() < stop:
            result = await client.call_tool("crm_get_lead", {"lead_id": 1})
            assert not result.is_error, result.content
            done += 1
        return done

    connected = [Client(url, mode=mode) for _ in range(clients)]
    for client in connected:
        await client.__aenter__()
    try:
        for client in connected:  # warm up: the first call of each pays for imports and caches
            await client.call_tool("crm_get_lead", {"lead_id": 1})
        started = time.perf_counter()
        counts = await asyncio.gather(*(one(c, started + seconds) for c in connected))
        return sum(counts) / (time.perf_counter() - started)
    finally:
        for client in reversed(connected):
            await client.__aexit__(None, None, None)


async def measure(urls: dict[str, str], clients: int, seconds: float, rounds: int,
                  eras: list[str]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for era in eras:
        mode = ERAS[era]
        samples: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(rounds):
            for name, url in urls.items():
                samples[name].append(await throughput(url, mode, clients, seconds))
        results[era] = {name: statistics.median(values) for name, values in samples.items()}
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--era", choices=list(ERAS), action="append", help="only this era (repeatable; default both)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        env = {**os.environ, "PILOTHOUSE_DB": db}
        env.pop("PILOTHOUSE_TOKEN", None)
        subprocess.run([sys.executable, "-m", "server.cli.main", "call", "crm_create_lead", "--args",
                        '{"email": "bench@example.com"}'], env=env, check=True, stdout=subprocess.DEVNULL)
        ours_port, bare_port, resumable_port = free_port(), free_port(), free_port()
        bare_server = [sys.executable, str(HERE / "bare_server.py"), "--http"]
        with running([sys.executable, "-m", "server.cli.main", "serve", "--http", "--port", str(ours_port)],
                     env, ours_port) as ours, \
                running([*bare_server, str(bare_port)], env, bare_port) as bare, \
                running([*bare_server, str(resumable_port), "--resumable"], env, resumable_port) as resumable:
            results = asyncio.run(measure({"pilothouse": ours, "bare": bare, "resumable": resumable}, args.clients,
                                          args.seconds, args.rounds, args.era or list(ERAS)))
    print("pilothouse: SQLite read + committed activity row per call, resumable streams; bare: a constant, "
          "no event store; bare+resumable: the same event store as pilothouse")
    for era, figures in results.items():
        ratio = figures["pilothouse"] / figures["bare"]
        print(f"{era}: {args.clients} clients, median of {args.rounds} x {args.seconds:g} s:  "
              f"pilothouse {figures['pilothouse']:.0f} calls/s   bare {figures['bare']:.0f} calls/s   "
              f"ratio {ratio:.2f}x (target >= 0.9x)   bare+resumable {figures['resumable']:.0f} calls/s   "
              f"ratio {figures['pilothouse'] / figures['resumable']:.2f}x")


if __name__ == "__main__":
    main()
