"""Outbound delivery with two `pilothouse worker` processes: throughput, duplicates, lost, the stall after a kill,
and what one poison message or one dead receiver costs everyone else.

    python benchmarks/delivery.py [--emails 5000] [--events 5000] [--isolation 1000]

1. Two real `pilothouse worker` processes deliver --emails queued emails (to a local aiosmtpd sink) and
   --events domain events (to a local HTTP receiver) at the same time, as their delivery loops do.
   One of them is killed with SIGKILL when about a third is out. Printed: messages/s, messages
   received twice under two identities (duplicates: must be 0), messages resent under their one
   identity after the kill (the ones in flight when it died: a receiver drops them by Message-ID or
   webhook-id), lost (queued, neither received nor failed: must be 0), and the stall after the kill:
   how long the rows the dead worker held waited until the other worker sent them (the 15 s lease,
   then its next claim).
2. Isolation, in one process: --isolation emails with one poison message among them (a row no email
   can be made of), and --isolation webhook events to a healthy endpoint beside a dead one (a receiver
   that never answers: every POST times out), each timed against the same queue without the poison or
   the dead receiver. The ratio near 1.0x is the figure: nothing else waited.

Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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

POLL_S = 0.05


def _worker(db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "server.cli.main", "--db", str(db), "worker"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _queue(app: Any, emails: int, events: int, hook_url: str, now: str) -> None:
    from skills import outbox
    from skills.messages import Email

    await app.executor.call("webhooks_create_endpoint", {"url": hook_url, "events": ["bench.*"]}, caller="cli")
    async with app.store.transaction() as tx:
        for i in range(emails):
            await outbox.enqueue(tx, Email(to=f"c{i}@example.com", subject=f"message {i}", text="Hello.",
                                           purpose="bench"), now=now)
    await app.store.executemany(
        "INSERT INTO events (name, payload, source, created_at) VALUES ('bench.tick', ?, 'bench', ?)",
        [(json.dumps({"n": i}), now) for i in range(events)])


async def _count(app: Any, sql: str) -> int:
    return int(await app.store.fetchval(sql) or 0)


UNSENT = ("SELECT (SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')) + (SELECT COUNT(*) FROM "
          "webhooks_deliveries WHERE status = 'pending') + (SELECT COUNT(*) FROM events e WHERE NOT EXISTS "
          "(SELECT 1 FROM webhooks_deliveries d WHERE d.event_id = e.id))")


async def two_workers(db: Path, emails: int, events: int) -> None:
    from server.assembly import open_app
    from server.testing import http_receiver, smtp_sink

    async with smtp_sink() as sink, http_receiver() as receiver, open_app(db) as app:
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "bench@example.com"})
        await _queue(app, emails, events, f"{receiver.url}/hook", app.clock.now().isoformat(timespec="seconds"))
        total = emails + events
        started = time.perf_counter()
        workers = [_worker(db), _worker(db)]
        try:
            while True:  # a third of the way: the kill lands while both deliver
                if len(sink.messages) + len(receiver.requests) >= total // 3:
                    break
                await asyncio.sleep(POLL_S)
            os.kill(workers[0].pid, signal.SIGKILL)
            killed_at = time.perf_counter()
            await asyncio.to_thread(workers[0].wait)
            # Every row claimed at that moment: the dead worker's wait for their lease, the survivor's go on.
            now = app.clock.now().isoformat(timespec="seconds")
            held = ([("outbox", r["id"]) for r in await app.store.fetchall(
                "SELECT id FROM outbox WHERE status = 'sending'")] + [("webhooks_deliveries", r["id"]) for r in
                await app.store.fetchall("SELECT id FROM webhooks_deliveries WHERE status = 'pending' AND "
                                         "claim_expires_at > ?", (now,))])
            stall = None
            while await _count(app, UNSENT):
                await asyncio.sleep(POLL_S)
                if stall is None and not await _still_held(app, held):
                    stall = time.perf_counter() - killed_at
                if time.perf_counter() - started > 900:
                    raise SystemExit("delivery did not finish within 15 minutes")
            seconds = time.perf_counter() - started
            stall = stall if stall is not None else time.perf_counter() - killed_at
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
                    await asyncio.to_thread(worker.wait, 60)
        failed = await _count(app, "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'failed') + "
                                   "(SELECT COUNT(*) FROM webhooks_deliveries WHERE status = 'failed')")
        uncertain = await _count(app, "SELECT (SELECT COUNT(*) FROM outbox WHERE uncertain_at IS NOT NULL) + "
                                      "(SELECT COUNT(*) FROM webhooks_deliveries WHERE uncertain_at IS NOT NULL)")
    mail_ids = Counter(str(m["Message-ID"]) for m in sink.messages)
    hook_ids = Counter(r.headers["webhook-id"] for r in receiver.requests)
    # A duplicate is one message received under two identities: a receiver could not tell it was the same.
    identities: dict[str, set[str]] = {}
    for m in sink.messages:
        identities.setdefault(f"mail {m['Subject']}", set()).add(str(m["Message-ID"]))
    for r in receiver.requests:
        identities.setdefault(f"hook {json.loads(r.body)['payload']['n']}", set()).add(r.headers["webhook-id"])
    duplicates = sum(1 for ids in identities.values() if len(ids) > 1)
    resent = sum(n - 1 for n in mail_ids.values()) + sum(n - 1 for n in hook_ids.values())
    lost = total - len(identities) - failed
    print(f"two workers, one killed (SIGKILL) a third of the way: {len(mail_ids):,} of {emails:,} emails and "
          f"{len(hook_ids):,} of {events:,} webhooks received in {seconds:.1f} s = {total / seconds:,.0f} messages/s")
    print(f"  duplicates (a message under two identities): {duplicates}; lost: {lost}; failed: {failed}")
    print(f"  resent under their one identity after the kill (in flight when it died): {resent} "
          f"({uncertain} marked uncertain)")
    print(f"  stall after kill -9: {stall:.1f} s until all {len(held)} message(s) claimed at the kill were sent "
          "(the dead worker's wait out their 15 s lease)")


async def _still_held(app: Any, held: list[tuple[str, int]]) -> bool:
    for table, row_id in held:
        done = "sent" if table == "outbox" else "delivered"
        if await app.store.fetchval(f"SELECT status FROM {table} WHERE id = ?", (row_id,)) != done:
            return True
    return False


async def _time_emails(db: Path, count: int, poison: bool) -> tuple[float, int, int]:
    from server.assembly import open_app
    from server.delivery_loop import DeliveryLoop
    from server.testing import smtp_sink
    from skills import outbox
    from skills.messages import Email

    async with smtp_sink() as sink, open_app(db) as app:
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "bench@example.com"})
        now = app.clock.now().isoformat(timespec="seconds")
        async with app.store.transaction() as tx:
            for i in range(count):
                if poison and i == count // 10:  # a row an older version let in: no email can be made of it
                    await tx.execute("INSERT INTO outbox (channel, recipient, subject, body, status, created_at, "
                                     "message_id) VALUES ('email', 'p@example.com', 'Hi\r\nBcc: x@example.com', 'b', "
                                     "'pending', ?, 'poison')", (now,))
                    continue
                await outbox.enqueue(tx, Email(to=f"c{i}@example.com", subject=f"m{i}", text="Hello."), now=now)
        loop, started = DeliveryLoop(app), time.perf_counter()
        while await outbox.due(app.store, app.clock.now()):
            await loop.deliver()
        seconds = time.perf_counter() - started
        failed = await _count(app, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'")
    return seconds, len(sink.messages), failed


async def _time_webhooks(db: Path, count: int, dead: bool) -> tuple[float, int]:
    from server.assembly import open_app
    from server.delivery_loop import DeliveryLoop
    from server.testing import free_port, http_receiver

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # takes the request and keeps the connection open until the client gives up

    port = free_port()
    stuck = await asyncio.start_server(never_answer, "127.0.0.1", port)
    async with stuck, http_receiver() as healthy, open_app(db) as app:
        await app.modules.configure("webhooks", {"timeout_s": 5})
        if dead:  # a receiver that takes every POST and never answers
            await app.executor.call("webhooks_create_endpoint", {"url": f"http://127.0.0.1:{port}/h",
                                                                 "events": ["bench.*"]}, caller="cli")
        await app.executor.call("webhooks_create_endpoint", {"url": f"{healthy.url}/h", "events": ["bench.*"]},
                                caller="cli")
        now = app.clock.now().isoformat(timespec="seconds")
        await app.store.executemany(
            "INSERT INTO events (name, payload, source, created_at) VALUES ('bench.tick', ?, 'bench', ?)",
            [(json.dumps({"n": i}), now) for i in range(count)])
        loop, started = DeliveryLoop(app), time.perf_counter()

        async def passes() -> None:  # the loop a process runs: pass after pass while there is work
            while True:
                await loop.deliver()

        running = asyncio.create_task(passes())
        try:  # timed until the healthy endpoint has every event, not until a pass ends
            while len(healthy.requests) < count:
                await asyncio.sleep(POLL_S / 5)
                if time.perf_counter() - started > 600:
                    raise SystemExit("the healthy endpoint did not get its events within 10 minutes")
            seconds = time.perf_counter() - started
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
    return seconds, len(healthy.requests)


async def isolation(tmp: Path, count: int) -> None:
    clean, sent, _ = await _time_emails(tmp / "clean.db", count, poison=False)
    bad, sent_bad, failed = await _time_emails(tmp / "poison.db", count, poison=True)
    print(f"one poison message among {count:,} emails: the other {sent_bad:,} sent in {bad:.2f} s vs {clean:.2f} s for "
          f"{sent:,} without it ({bad / clean:.2f}x); the poison dead-lettered alone ({failed} failed)")
    alone, got = await _time_webhooks(tmp / "alone.db", count, dead=False)
    beside, got_beside = await _time_webhooks(tmp / "beside.db", count, dead=True)
    print(f"a dead receiver beside a healthy one: the healthy endpoint got {got_beside:,} events in {beside:.2f} s vs "
          f"{alone:.2f} s for {got:,} alone ({beside / alone:.2f}x; the dead one's POSTs time out after 5 s, "
          "in their own task)")


async def main(args: Any) -> None:
    # The receivers listen on 127.0.0.1: this process (which creates the endpoint) and the workers deliver there.
    os.environ["PILOTHOUSE_WEBHOOK_ALLOW_PRIVATE"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        await two_workers(Path(tmp) / "workers.db", args.emails, args.events)
        await isolation(Path(tmp), args.isolation)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emails", type=int, default=5_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--isolation", type=int, default=1_000)
    asyncio.run(main(parser.parse_args()))
