"""Outbound delivery under load, with two deliverers racing for the same rows.

    python benchmarks/delivery.py [--emails 10000] [--events 10000]

1. --emails queued emails to a local aiosmtpd sink, delivered by two processes running
   email_deliver_outbox at the same time until nothing is due: messages/s, and duplicates
   received (the same Message-ID twice; must be 0).
2. --events domain events to a local HTTP receiver, dispatched by two processes running
   webhooks_dispatch_events at once: webhooks/s, and duplicates received (the same webhook-id
   twice; must be 0).
3. The stall after a crash: a process holding the dispatcher's lease is killed with SIGKILL;
   how long until another process on this host takes the lease over.

Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

WORKER = "--worker"


async def worker(db: str, skill: str) -> None:
    """One deliverer: run the skill until a run finds nothing due."""
    from server.assembly import open_app

    async with open_app(db) as app:
        while True:
            result = await app.executor.call(skill, {}, caller="automation")
            if not result.ok or result.outcome == "no_effect":
                if not result.ok:
                    print(f"deliverer: {result.message}", file=sys.stderr)
                return


def race(db: Path, skill: str) -> float:
    """Two deliverer processes at once; seconds until both are done."""
    started = time.perf_counter()
    children = [subprocess.Popen([sys.executable, __file__, WORKER, str(db), skill]) for _ in range(2)]
    for child in children:
        if child.wait() != 0:
            raise SystemExit(f"a deliverer exited with {child.returncode}")
    return time.perf_counter() - started


def report(label: str, unit: str, count: int, ids: list[str], seconds: float) -> None:
    duplicates = sum(n - 1 for n in Counter(ids).values())
    print(f"{label}: {len(ids):,} received of {count:,} queued in {seconds:.1f} s = "
          f"{len(ids) / seconds:,.0f} {unit}/s; duplicates received: {duplicates}")


async def emails(db: Path, count: int) -> None:
    from server.assembly import open_app
    from server.testing import smtp_sink

    async with smtp_sink() as sink, open_app(db) as app:
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "bench@example.com"})
        now = app.clock.now().isoformat(timespec="seconds")
        await app.store.executemany(
            "INSERT INTO outbox (channel, recipient, subject, body, purpose, created_at) "
            "VALUES ('email', ?, ?, 'Hello from the benchmark.', 'bench', ?)",
            [(f"c{i}@example.com", f"message {i}", now) for i in range(count)])
        seconds = await asyncio.to_thread(race, db, "email_deliver_outbox")
        pending = await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE status != 'sent'")
    report("emails", "messages", count, [str(m["Message-ID"]) for m in sink.messages], seconds)
    if pending:
        print(f"  {pending} not sent")


async def webhooks(db: Path, count: int) -> None:
    from server.assembly import open_app
    from server.testing import http_receiver

    async with http_receiver() as receiver, open_app(db) as app:
        await app.executor.call("webhooks_create_endpoint", {"url": f"{receiver.url}/hook", "events": ["bench.*"]},
                                caller="cli")
        now = app.clock.now().isoformat(timespec="seconds")
        await app.store.executemany(
            "INSERT INTO events (name, payload, source, created_at) VALUES ('bench.tick', ?, 'bench', ?)",
            [(json.dumps({"n": i}), now) for i in range(count)])
        seconds = await asyncio.to_thread(race, db, "webhooks_dispatch_events")
        pending = await app.store.fetchval("SELECT COUNT(*) FROM webhooks_deliveries WHERE status != 'delivered'")
    report("webhooks", "events", count, [r.headers["webhook-id"] for r in receiver.requests], seconds)
    if pending:
        print(f"  {pending} not delivered")


HOLD_LEASE = """
import asyncio, sys
from server.assembly import open_app
from server.scheduler import lease

async def main():
    async with open_app(sys.argv[1]) as app:
        holder = lease.new_holder_id("scheduler")
        await lease.acquire(app.store, "schedule:automation_dispatcher", holder, ttl_s=900, now=app.clock.now())
        print("held", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


async def stall_after_crash(db: Path) -> None:
    from server.assembly import open_app
    from server.scheduler import lease

    async with open_app(db) as app:
        child = await asyncio.create_subprocess_exec(sys.executable, "-c", HOLD_LEASE, str(db),
                                                     stdout=asyncio.subprocess.PIPE)
        assert child.stdout is not None
        await child.stdout.readline()  # it holds the lease (15 min TTL)
        os.kill(child.pid, signal.SIGKILL)
        await child.wait()
        started = time.perf_counter()
        while not await lease.acquire(app.store, "schedule:automation_dispatcher", "bench", ttl_s=120,
                                      now=app.clock.now()):
            await asyncio.sleep(0.01)
            if time.perf_counter() - started > 30:
                raise SystemExit("the dead holder's lease was not taken over")
        took = (time.perf_counter() - started) * 1000
    print(f"stall after kill -9 of the lease holder: {took:.1f} ms on this host (the lease named a dead PID); "
          f"on another host at most the lease TTL, {lease.SHORT_TTL_S:.0f} s")


async def main(args: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await emails(Path(tmp) / "emails.db", args.emails)
        await webhooks(Path(tmp) / "webhooks.db", args.events)
        await stall_after_crash(Path(tmp) / "lease.db")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == WORKER:
        asyncio.run(worker(sys.argv[2], sys.argv[3]))
    else:
        parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument("--emails", type=int, default=10_000)
        parser.add_argument("--events", type=int, default=10_000)
        asyncio.run(main(parser.parse_args()))
