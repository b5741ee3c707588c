"""tools/call throughput over streamable HTTP, Pilothouse vs a bare SDK server, both eras, side by side.

    python benchmarks/http_throughput.py [--clients 8] [--seconds 2] [--rounds 9] [--no-pin] 2>/dev/null

Both servers run as real processes on loopback (`pilothouse serve --http` and
benchmarks/bare_server.py --http). For each protocol era (2026-07-28, and the 2025-11-25
handshake) ``--clients`` SDK clients call a trivial read-only tool (crm_get_lead; Pilothouse runs
it through the full executor, activity row included) as fast as they can for ``--seconds``.

The headline is the server's own cost: its CPU per call (from /proc, all its threads), against
the like-for-like bare server: the plain one in the 2026-07-28 era (stateless: no stream to
resume), the one with the same event store in the 2025-11-25 era. Target: at most 1.15x in both
eras. Calls/s stay as context only: the clients run in this one process, and on two cores they
are as often the bottleneck as the server is, so calls/s ratios swing from round to round.

Shared machines drift by tens of percent within a minute, so every ratio is measured per round:
each round runs every server once, back to back, in an order that rotates from round to round,
and the figure is the median of the rounds' ratios (with their range).

The work is not the same on both sides, and the output says so: Pilothouse's call reads the lead
from SQLite and commits its activity row (durable, as every call); the bare tool returns a constant.
Pilothouse's streams are resumable (an event store: in the 2025-11-25 era every POST's SSE stream
opens with a priming event and each message is stored); the bare server's are not. The
like-for-like server of that era is the bare server with the same event store (bare_server.py
--resumable).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
from mcp import Client

from server.testing import free_port

HERE = Path(__file__).parent
ERAS = {"2026-07-28": "auto", "2025-11-25": "legacy"}
# The bare server that does the same transport work as Pilothouse in each era (the headline's yardstick).
LIKE_FOR_LIKE = {"2026-07-28": "bare", "2025-11-25": "bare+resumable"}
CPU_TARGET = 1.15


# With two or more CPUs the clients get one and the servers another, so every server meets the same
# placement: left to the scheduler (--no-pin), two identical servers measured in one run differed by
# 15 %, a server that happens to share the clients' CPU staying slow for its whole life, which no
# interleaving of rounds averages out. Pinned, each server has one CPU to itself, so its own cost per
# call shows in its calls/s whenever the clients' CPU is not the tighter limit.
CLIENT_CPU, SERVER_CPU = 0, 1


def pin_to(cpu: int) -> Callable[[], None]:
    return lambda: os.sched_setaffinity(0, {cpu})


@dataclass
class Server:
    url: str
    pid: int


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its threads so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def running(command: list[str], env: dict[str, str], port: int, pinned: bool) -> Iterator[Server]:
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=pin_to(SERVER_CPU) if pinned else None)
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
        yield Server(url, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class Sample:
    calls_per_s: float
    server_cpu_ms: float  # per call


async def throughput(server: Server, mode: str, clients: int, seconds: float) -> Sample:
    """Calls per second of ``clients`` concurrent SDK clients, each calling in a loop."""
    async def one(client: Client, stop: float) -> int:
        done = 0
        while time.perf_counter() < stop:
            result = await client.call_tool("crm_get_lead", {"lead_id": 1})
            assert not result.is_error, result.content
            done += 1
        return done

    connected = [Client(server.url, mode=mode) for _ in range(clients)]
    for client in connected:
        await client.__aenter__()
    try:
        for client in connected:  # warm up: the first call of each pays for imports and caches
            await client.call_tool("crm_get_lead", {"lead_id": 1})
        cpu, started = cpu_seconds(server.pid), time.perf_counter()
        counts = await asyncio.gather(*(one(c, started + seconds) for c in connected))
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(server.pid) - cpu
        return Sample(sum(counts) / elapsed, cpu * 1000 / sum(counts))
    finally:
        for client in reversed(connected):
            await client.__aexit__(None, None, None)


async def measure(servers: dict[str, Server], clients: int, seconds: float, rounds: int,
                  eras: list[str]) -> dict[str, list[dict[str, Sample]]]:
    """Per era, one dict per round: every server measured once, the order rotating each round."""
    results: dict[str, list[dict[str, Sample]]] = {}
    names = list(servers)
    for era in eras:
        results[era] = []
        for round_ in range(rounds):
            order = names[round_ % len(names):] + names[: round_ % len(names)]
            results[era].append({name: await throughput(servers[name], ERAS[era], clients, seconds)
                                 for name in order})
    return results


def ratio_text(rounds: list[dict[str, Sample]], ours: str, theirs: str, field: str = "calls_per_s") -> str:
    ratios = [getattr(r[ours], field) / getattr(r[theirs], field) for r in rounds]
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def report(era: str, rounds: list[dict[str, Sample]], clients: int, seconds: float) -> str:
    def calls(name: str) -> float:
        return statistics.median(r[name].calls_per_s for r in rounds)

    def cpu(name: str) -> float:
        return statistics.median(r[name].server_cpu_ms for r in rounds)

    like = LIKE_FOR_LIKE[era]
    cpus = "   ".join(f"{name} {cpu(name):.2f} ms" for name in ("pilothouse", "bare", "bare+resumable"))
    throughput = "   ".join(f"{name} {calls(name):.0f}" for name in ("pilothouse", "bare", "bare+resumable"))
    return (f"{era}: {clients} clients, {len(rounds)} rounds x {seconds:g} s\n"
            f"  server CPU per call, pilothouse / {like}: "
            f"{ratio_text(rounds, 'pilothouse', like, 'server_cpu_ms')} (target <= {CPU_TARGET}x)\n"
            f"    median CPU per call: {cpus}\n"
            f"  context, calls/s (medians): {throughput};   pilothouse / {like}: "
            f"{ratio_text(rounds, 'pilothouse', like)}"
            + (f"   pilothouse / bare: {ratio_text(rounds, 'pilothouse', 'bare')}" if like != "bare" else ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8, help="concurrent SDK clients (default 8)")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one measurement (default 2)")
    parser.add_argument("--rounds", type=int, default=9,
                        help="rounds per era; each measures every server once (default 9)")
    parser.add_argument("--era", choices=list(ERAS), action="append", help="only this era (repeatable; default both)")
    parser.add_argument("--no-pin", action="store_true", help="let the scheduler place clients and servers")
    args = parser.parse_args()
    pinned = not args.no_pin and len(os.sched_getaffinity(0)) >= 2
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        env = {**os.environ, "PILOTHOUSE_DB": db}
        env.pop("PILOTHOUSE_TOKEN", None)
        subprocess.run([sys.executable, "-m", "server.cli.main", "call", "crm_create_lead", "--args",
                        '{"email": "bench@example.com"}'], env=env, check=True, stdout=subprocess.DEVNULL)
        ours_port, bare_port, resumable_port = free_port(), free_port(), free_port()
        bare_server = [sys.executable, str(HERE / "bare_server.py"), "--http"]
        with running([sys.executable, "-m", "server.cli.main", "serve", "--http", "--port", str(ours_port)],
                     env, ours_port, pinned) as ours, \
                running([*bare_server, str(bare_port)], env, bare_port, pinned) as bare, \
                running([*bare_server, str(resumable_port), "--resumable"], env, resumable_port, pinned) as resumable:
            if pinned:
                pin_to(CLIENT_CPU)()
            results = anyio.run(measure, {"pilothouse": ours, "bare": bare, "bare+resumable": resumable},
                                args.clients, args.seconds, args.rounds, args.era or list(ERAS))
    print("pilothouse: SQLite read + committed activity row per call, resumable streams; bare: a constant, "
          "no event store; bare+resumable: the same event store as pilothouse. Headline: server CPU per call "
          "against the like-for-like bare server of the era. Ratios: median of the rounds' ratios (range). "
          f"{'Clients on CPU 0, servers on CPU 1' if pinned else 'Not pinned'}")
    for era, rounds in results.items():
        print(report(era, rounds, args.clients, args.seconds))


if __name__ == "__main__":
    main()
