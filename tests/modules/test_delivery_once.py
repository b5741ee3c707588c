"""Every message leaves once: claims with an owner and an expiry, one identity across retries, time budgets.

Against real receivers on loopback (aiosmtpd, uvicorn) and, for the crash, a real subprocess
killed with SIGKILL in the middle of a send.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest

from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server import delivery_watch
from server.app import App
from server.assembly import open_app
from server.delivery_loop import DeliveryLoop
from server.testing import FakeClock, McpHarness, free_port
from tests.modules.slow_receivers import holding_http, holding_smtp

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def webhooks_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receivers here listen on 127.0.0.1: the operator's switch for private webhook targets."""
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")

# One delivery run in a process of its own, as `serve` or `pilothouse worker` would run it.
RUN_ONCE = """
import asyncio, sys
from server.assembly import open_app

async def main() -> None:
    async with open_app(sys.argv[1]) as app:
        await app.executor.call(sys.argv[2], {}, caller="system")

asyncio.run(main())
"""


async def _configure(app: App, port: int) -> None:
    await app.modules.configure("email", {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "shop@example.com"})


async def _queue_mail(mcp: McpHarness, n: int) -> None:
    for i in range(n):
        await mcp.call("email_send", confirm=True, to=f"c{i}@example.com", subject=f"n{i}", body="Body")


async def _queue_events(mcp: McpHarness, url: str, n: int) -> None:
    await mcp.call("webhooks_create_endpoint", url=f"{url}/hook", events=["lead.*"])
    for i in range(n):
        await mcp.call("crm_create_lead", email=f"lead{i}@acme.io")


async def test_overlapping_email_runs_send_each_message_once(app: App, mcp: McpHarness, clock: FakeClock,
                                                             app_db: Path | str) -> None:
    await _queue_mail(mcp, 3)
    async with holding_smtp(hold_after=1) as sink, open_app(app_db, clock=clock) as other:
        await _configure(app, sink.port)
        results: list[Any] = []

        async def first_run() -> None:
            results.append(await app.executor.call("email_deliver_outbox", {}, caller="automation"))

        async with anyio.create_task_group() as tg:
            tg.start_soon(first_run)
            await sink.gate.arrived(1)  # the first run is mid-send: the receiver holds its first message
            second = await other.executor.call("email_deliver_outbox", {}, caller="automation")
            assert second.ok and second.output == {"attempted": 0, "sent": 0, "failed": 0, "requeued": 0,
                                                   "held": 0, "uncertain": 0, "errors": []}
            sink.gate.release()
    assert results[0].output["sent"] == 3
    assert sorted(str(m["Subject"]) for m in sink.messages) == ["n0", "n1", "n2"]
    assert len(set(sink.ids())) == 3 and all(i.startswith("<") and i.endswith("@example.com>") for i in sink.ids())


async def test_overlapping_webhook_dispatches_post_each_event_once(app: App, mcp: McpHarness, clock: FakeClock,
                                                                   app_db: Path | str) -> None:
    async with holding_http(hold_after=1) as receiver, open_app(app_db, clock=clock) as other:
        await _queue_events(mcp, receiver.url, 3)
        results: list[Any] = []

        async def first_run() -> None:
            results.append(await app.executor.call("webhooks_dispatch_events", {}, caller="automation"))

        async with anyio.create_task_group() as tg:
            tg.start_soon(first_run)
            await receiver.gate.arrived(1)
            second = await other.executor.call("webhooks_dispatch_events", {}, caller="automation")
            assert second.ok and second.output is not None and second.output["delivered"] == 0
            receiver.gate.release()
    assert results[0].output["delivered"] == 3
    assert len(receiver.requests) == 3 and len(set(receiver.ids())) == 3


def _spawn(db: Path | str, skill: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", RUN_ONCE, str(db), skill], cwd=Path(__file__).parents[2],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _kill(child: subprocess.Popen[bytes]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    await anyio.to_thread.run_sync(child.wait)


def _after_real_now(clock: FakeClock, seconds: float) -> None:
    """The crashed run claimed by the real clock; move this instance's clock relative to it."""
    clock.current = datetime.now(UTC) + timedelta(seconds=seconds)


async def test_kill_9_mid_send_resends_at_most_one_email_with_the_same_message_id(
        app: App, mcp: McpHarness, clock: FakeClock, app_db: Path | str) -> None:
    await _queue_mail(mcp, 3)
    async with holding_smtp(hold_after=2) as sink:
        await _configure(app, sink.port)
        child = _spawn(app_db, "email_deliver_outbox")
        try:
            await sink.gate.arrived(2)  # n1 is received; the sender waits for the 250 it never gets
        finally:
            await _kill(child)
        sink.gate.release()
        _after_real_now(clock, 5)  # the dead run's lease still holds: nothing is taken from it early
        assert (await mcp.call("email_deliver_outbox"))["attempted"] == 0
        _after_real_now(clock, 20)  # nobody renewed its 15 s lease: the rows it held go out again
        report = await mcp.call("email_deliver_outbox")
        assert (report["sent"], report["uncertain"]) == (2, 1)
    by_subject = Counter(str(m["Subject"]) for m in sink.messages)
    assert by_subject == {"n0": 1, "n1": 2, "n2": 1}  # exactly one duplicate: the message in flight
    copies = {str(m["Message-ID"]) for m in sink.messages if m["Subject"] == "n1"}
    assert len(copies) == 1  # ... and it carries the same Message-ID, so a receiver can drop it
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == 3
    # It is named, not guessed: the row says its outcome was unknown, and a person is told (once).
    uncertain = await app.store.fetchall("SELECT subject FROM outbox WHERE uncertain_at IS NOT NULL")
    assert [r["subject"] for r in uncertain] == ["n1"]
    assert await delivery_watch.check(app) == 1 and await delivery_watch.check(app) == 0
    [note] = (await mcp.call("ops_list_notifications", kind="delivery_uncertain"))["items"]
    assert "may have been delivered twice" in note["title"] and "same Message-ID" in note["body"]


async def test_kill_9_mid_post_resends_at_most_one_webhook_with_the_same_id(
        app: App, mcp: McpHarness, clock: FakeClock, app_db: Path | str) -> None:
    async with holding_http(hold_after=2) as receiver:
        await _queue_events(mcp, receiver.url, 3)
        child = _spawn(app_db, "webhooks_dispatch_events")
        try:
            await receiver.gate.arrived(2)
        finally:
            await _kill(child)
        receiver.gate.release()
        _after_real_now(clock, 20)
        report = await mcp.call("webhooks_dispatch_events")
        assert (report["delivered"], report["uncertain"]) == (2, 1)
    ids = Counter(receiver.ids())
    assert sorted(ids.values()) == [1, 1, 2] and len(receiver.requests) == 4
    [twice] = [i for i, n in ids.items() if n == 2]
    assert receiver.requests[1].headers["webhook-id"] == twice  # the one in flight, resent with its id
    delivered = await app.store.fetchval("SELECT COUNT(*) FROM webhooks_deliveries WHERE status = 'delivered'")
    assert delivered == 3


async def test_an_smtp_outage_of_ten_minutes_keeps_mail_pending_and_sends_it_on_recovery(
        app: App, mcp: McpHarness, clock: FakeClock) -> None:
    port = free_port()  # nothing listens there for ten minutes
    await _configure(app, port)
    await _queue_mail(mcp, 2)
    loop = DeliveryLoop(app)  # what every serve and worker process runs, here a pass a minute
    await loop.deliver()
    for _ in range(10):
        clock.advance(minutes=1)
        await loop.deliver()
    rows = await app.store.fetchall("SELECT status, attempts, error_kind FROM outbox ORDER BY id")
    # Backoff 1, 2, 4 min: a few attempts in ten minutes, not the whole budget in two.
    assert {(r["status"], r["error_kind"]) for r in rows} == {("pending", "network")}
    assert all(3 <= r["attempts"] <= 4 for r in rows)
    runs = await app.store.fetchall("SELECT status, outcome FROM activity WHERE skill = 'email_deliver_outbox'")
    # The mail server's outage is the messages' (each keeps its error and its schedule), never the deliverer's:
    # no run failed, so no breaker opened and nothing needs a person to resume it. And the loop only runs the
    # deliverer when something is due: one run per attempt, none in between. (A run that sent nothing is
    # counted per day rather than listed, as quiet housekeeping: issue 31.)
    counted = await app.store.fetchval("SELECT SUM(calls) FROM activity_daily WHERE skill = 'email_deliver_outbox'")
    assert {r["status"] for r in runs} <= {"ok"} and len(runs) + (counted or 0) == rows[0]["attempts"]
    assert "Mail delivery is failing (network)" in [p.title for p in await delivery_watch.problems(app)]

    async with holding_smtp(port) as sink:  # the server is back, on the same port
        for _ in range(10):  # the messages' own backoff comes round
            clock.advance(minutes=1)
            await loop.deliver()
            if len(sink.messages) == 2:
                break
    assert sorted(str(m["Subject"]) for m in sink.messages) == ["n0", "n1"]  # nobody ran email_retry_failed
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == 2
    assert await app.store.fetchval("SELECT COUNT(*) FROM activity WHERE skill = 'email_retry_failed'") == 0
    assert await delivery_watch.problems(app) == []


async def test_the_retry_budget_is_time_and_configurable(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    await app.modules.configure("email", {"smtp_host": "127.0.0.1", "smtp_port": free_port(),
                                          "retry_budget_hours": 1})
    await _queue_mail(mcp, 1)
    attempts = 0
    while (await app.store.fetchval("SELECT status FROM outbox")) == "pending" and attempts < 90:
        await app.executor.call("email_deliver_outbox", {}, caller="automation")
        attempts += 1
        clock.advance(minutes=1)
    row = await app.store.fetchone("SELECT status, attempts FROM outbox")
    assert row is not None
    # 1 h of backoff (0, 1, 3, 7, 15, 31 min, then the deadline at 60): failed after 7 attempts.
    assert (row["status"], row["attempts"]) == ("failed", 7)
