"""The database size after a simulated year of a busy instance, with and without retention.

    python benchmarks/retention_growth.py [--days 365] [--calls-per-day 5000] [--keep 90]

A busy instance, per day: ``--calls-per-day`` skill calls (activity rows with arguments of the usual
few hundred characters, one in 200 a 40 KB argument, which the cap keeps at 16 KB), one event per
three calls, each POSTed to one webhook endpoint (a delivery row), 48 heartbeats and 48 finished
agent runs with three model calls each (AI usage rows), one email sent per 20 calls (outbox rows of
a few KB: invoices, newsletters), 20 admin notifications read the same day, and one idempotency key
per 10 calls. Both databases get the same rows, written through the table owners where the code has
one (activity.write, outbox.enqueue, usage.record...) with the clock moved a day at a time; one of
them has the retention policy applied after every day, as the daily platform job does. Printed:
file size every 30 days, side by side, and the rows each keeps.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from modules.webhooks import module as webhooks
from server.assembly import open_app
from server.providers import usage
from server.retention import apply
from server.tables import activity, notifications, runs
from server.testing import FakeClock
from skills import outbox
from skills.messages import Email

SKILLS = [f"crm_skill_{i:02d}" for i in range(40)]


async def simulate_day(app: object, day: datetime, calls: int, rng: random.Random) -> None:
    store = app.store  # type: ignore[attr-defined]
    async with store.transaction() as tx:
        for i in range(calls):
            ts = (day + timedelta(seconds=i * 86_400 // calls)).isoformat(timespec="seconds")
            big = i % 200 == 0
            notes = ("x" * 40_000) if big else "y" * rng.randint(50, 400)
            arguments = {"email": f"user{i}@example.com", "notes": notes}
            ok = rng.random() > 0.05
            await activity.write(
                tx, ts=ts, caller=rng.choice(["mcp", "pilot", "automation"]), run_id=None, skill=rng.choice(SKILLS),
                module_id="crm", arguments=arguments, output_summary=json.dumps({"id": i, "status": "ok"}),
                status="ok" if ok else "error", outcome="success" if ok else "negative",
                error_kind=None if ok else "http_5xx", error=None if ok else "upstream answered 503",
                duration_ms=rng.uniform(0.2, 40), attempts=1)
            if i % 3 == 0:
                event = await tx.execute("INSERT INTO events (name, payload, source, created_at) VALUES "
                                         "(?, ?, 'crm', ?)", ("lead.created", json.dumps({"id": i, "email":
                                                                                        f"user{i}@example.com"}), ts))
                await tx.execute("INSERT INTO webhooks_deliveries (endpoint_id, event_id, status, attempts, "
                                 "status_code, created_at, delivered_at, message_id) VALUES (1, ?, 'delivered', 1, "
                                 "200, ?, ?, ?)", (event.lastrowid, ts, ts, f"msg_{day.date()}_{i}"))
            if i % 20 == 0:
                queued = await outbox.enqueue(tx, Email(to=f"user{i}@example.com", subject=f"Invoice {i}",
                                                        text="Line item\n" * rng.randint(20, 200)), now=ts)
                await tx.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = 1 WHERE id = ?",
                                 (ts, queued.outbox_id))
            if i % 10 == 0:
                await tx.execute("INSERT INTO idempotency_keys (key, skill, fingerprint, status, result, created_at) "
                                 "VALUES (?, 'crm_create_lead', ?, 'done', ?, ?)",
                                 (f"{day.date()}-{i}", "f" * 64, json.dumps({"ok": True, "output": {"id": i}}), ts))
        for beat in range(48):
            ts = (day + timedelta(minutes=30 * beat)).isoformat(timespec="seconds")
            run_id = f"run-{day.date()}-{beat}"
            await runs.insert_run(tx, run_id=run_id, kind="heartbeat", status="completed", cursor=3,
                                  plan=json.dumps(["look", "act", "report"]), state=json.dumps({"notes": "z" * 800}),
                                  now=ts)
            await tx.execute("INSERT INTO heartbeats (started_at, finished_at, status, run_id, detail) VALUES "
                             "(?, ?, 'ok', ?, ?)", (ts, ts, run_id, json.dumps({"reason": "r" * 200})))
            for _ in range(3):
                await usage.record(tx, ts=ts, run_id=run_id, provider="openai", model="gpt-4o-mini", tier="fast",
                                   prompt_tokens=3000, completion_tokens=200, latency_ms=800.0, cost_usd=0.0006)
        for n in range(20):
            ts = (day + timedelta(minutes=70 * n)).isoformat(timespec="seconds")
            note = await notifications.add(tx, kind="agent_action", title=f"The agent ran skill {n}",
                                           body="Arguments: ...\nResult: ..." * 5, created_at=ts)
            await notifications.mark_read(tx, ids=[note], now=ts)


async def counts(app: object) -> str:
    store = app.store  # type: ignore[attr-defined]
    parts = []
    for table in ("activity", "activity_daily", "events", "webhooks_deliveries", "outbox", "notifications", "ai_usage",
                  "idempotency_keys", "runs", "heartbeats"):
        parts.append(f"{table} {int(await store.fetchval(f'SELECT COUNT(*) FROM {table}')):,}")
    return ", ".join(parts)


async def main(days: int, calls: int, keep: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"no retention": Path(tmp) / "kept.db", f"retention {keep} d": Path(tmp) / "pruned.db"}
        clocks = {name: FakeClock(start) for name in paths}
        kept = f"retention {keep} d"
        async with open_app(paths["no retention"], modules=[webhooks], clock=clocks["no retention"]) as plain, \
                open_app(paths[kept], modules=[webhooks], clock=clocks[kept]) as pruned:
            for app in (plain, pruned):  # the one endpoint every event goes to
                await app.store.execute("INSERT INTO webhooks_endpoints (id, url, events, secret, created_at) VALUES "
                                        "(1, 'https://hooks.example.com/in', '[\"*\"]', 'whsec_x', '2026-01-01')")
            print(f"{days} days x {calls:,} calls/day: {calls // 3:,} events and webhook deliveries, {calls // 20:,} "
                  f"emails, {calls // 10:,} idempotency keys, 144 AI calls, 48 heartbeats + runs, 20 notifications "
                  "a day")
            print(f"{'day':>5}  {'no retention':>14}  {f'retention {keep} d':>16}  ratio")
            spent = 0.0
            for d in range(days):
                day = start + timedelta(days=d)
                for name, app in (("no retention", plain), (f"retention {keep} d", pruned)):
                    clocks[name].current = day
                    await simulate_day(app, day, calls, random.Random(d))
                clocks[f"retention {keep} d"].current = day + timedelta(days=1)
                t0 = time.perf_counter()
                await apply(pruned.store, day + timedelta(days=1), keep)
                spent += time.perf_counter() - t0
                if (d + 1) % 30 == 0 or d + 1 == days:
                    for app in (plain, pruned):  # the file itself, with the WAL written back into it
                        await app.store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    sizes = [path.stat().st_size / 1e6 for path in paths.values()]
                    print(f"{d + 1:>5}  {sizes[0]:>11.1f} MB  {sizes[1]:>13.1f} MB  {sizes[0] / sizes[1]:.2f}x")
            print(f"rows kept, no retention: {await counts(plain)}")
            print(f"rows kept, retention:    {await counts(pruned)}")
            print(f"retention runs: {days}, {spent:.1f} s in all ({spent / days * 1000:.0f} ms per daily run)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--calls-per-day", type=int, default=5000)
    parser.add_argument("--keep", type=int, default=90)
    args = parser.parse_args()
    asyncio.run(main(args.days, args.calls_per_day, args.keep))
