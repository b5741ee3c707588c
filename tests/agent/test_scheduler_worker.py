"""`pilothouse worker`: the scheduler without MCP, safe beside any number of `serve` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import anyio
import pytest

from server.assembly import Process, open_app, scheduler_for, worker_services
from server.cli.main import main
from server.delivery_loop import DeliveryLoop
from server.scheduler.service import Scheduler
from server.testing import FakeClock, smtp_sink

pytestmark = pytest.mark.anyio


async def test_a_worker_and_a_serve_on_one_database_never_run_a_job_twice(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "shared.db"
    async with smtp_sink() as sink, open_app(db, clock=clock, retry_delay_s=0) as serving, \
            open_app(db, clock=clock, retry_delay_s=0) as working:
        await serving.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                                  "smtp_from": "shop@example.com"})
        # The holders `serve` and `worker` use (server/assembly.py), one scheduler each.
        serve, worker = scheduler_for(serving, holder="serve:test"), scheduler_for(working, holder="worker:test")
        deliveries = {"serve": DeliveryLoop(serving), "worker": DeliveryLoop(working)}
        ran: list[tuple[str, str]] = []

        async def tick(who: str, scheduler: Scheduler) -> None:
            ran.extend((who, e.schedule) for e in await scheduler.tick())
            await deliveries[who].deliver()  # each process's delivery loop, a pass beside each tick

        async def both() -> None:
            async with anyio.create_task_group() as tg:
                tg.start_soon(tick, "serve", serve)
                tg.start_soon(tick, "worker", worker)

        with anyio.fail_after(60):
            await both()  # start-up: both register the schedules; nothing is due yet
            for minute in range(10):
                if minute < 8:
                    await serving.executor.call("email_send", {"to": f"c{minute}@example.com", "subject": "Hi",
                                                               "body": "Your order shipped.", "confirm": True},
                                                caller="cli")
                clock.advance(minutes=1)
                await both()
        recipients = Counter(m["To"] for m in sink.messages)
        assert recipients == Counter(f"c{n}@example.com" for n in range(8))  # every mail once, none twice
        runs = Counter(schedule for _, schedule in ran)
        # one run per occurrence
        assert runs == {"automation_dispatcher": 10, "approvals": 10}
        assert await serving.store.fetchval("SELECT COUNT(*) FROM locks") == 0
    # serve's process runs one scheduler; a worker runs one too, and no MCP transport; both keep their
    # provider chain where `pilothouse providers` shows it.
    async with open_app(tmp_path / "other.db", clock=clock) as app:
        names = [[s.__name__ for s in services] for services in (Process.assemble(app).services, worker_services(app))]
        assert names == [["deferred_scheduler", "deferred_delivery", "provider_view"],
                         ["scheduler", "run_forever", "provider_view"]]


async def test_worker_once_delivers_queued_mail_with_the_agent_off(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "once.db")

    async def cli(*args: str) -> tuple[int, str]:
        code = await anyio.to_thread.run_sync(main, ["--db", db, *args])
        return code, capsys.readouterr().out

    async with smtp_sink() as sink:
        assert await cli("worker", "--once") == (0, "nothing was due\n")  # registers the platform schedules
        await cli("modules", "configure", "email", f"smtp_host={sink.host}", f"smtp_port={sink.port}",
                  "smtp_from=shop@example.com")
        assert (await cli("call", "email_send", "--yes", "--args",
                          '{"to": "ada@example.com", "subject": "Receipt", "body": "Thanks!"}'))[0] == 0
        code, out = await cli("worker", "--once")  # a tick and a delivery pass: the mail is due at once
    assert code == 0 and 'delivery:email_deliver_outbox  ok: {"attempted": 1, "sent": 1' in out
    assert [(m["To"], m["Subject"]) for m in sink.messages] == [("ada@example.com", "Receipt")]


def test_worker_says_what_it_runs_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "server.cli.main", "--db", str(tmp_path / "w.db"), "worker"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        started = proc.stderr.readline()  # blocks until the worker is up (or exits)
        assert "worker running the scheduler on" in started and "the agent is off, so platform work only" in started
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        stdout, _ = proc.communicate(timeout=10)
        assert stdout == ""  # nothing on stdout: a service manager's log is stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
