"""A restore sends nothing twice, keeps every message's identity, and waits for every process to stop.

Real SQLite files, a real SMTP sink and HTTP receiver on loopback, a real `pilothouse worker` process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import anyio
import pytest

from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server.assembly import open_app
from server.cli.main import main
from server.confirmation import given
from server.testing import FakeClock, http_receiver, smtp_sink

pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only(reason="backup and restore copy a SQLite file")]


async def _cli(*args: str) -> int:
    return int(await anyio.to_thread.run_sync(main, list(args)))


async def _queue_and_back_up(db: Path, copy: Path, clock: FakeClock, receiver_url: str) -> None:
    async with open_app(db, clock=clock) as app:
        await app.executor.call("webhooks_create_endpoint", {"url": f"{receiver_url}/hook", "events": ["lead.*"]},
                                caller="cli")
        for n in range(5):
            await app.executor.call("email_send", {"to": f"c{n}@example.com", "subject": f"n{n}", "body": "Hi"},
                                    caller="cli", confirm=given("cli"))
        await app.executor.call("crm_create_lead", {"email": "ada@acme.io"}, caller="cli")
        await app.executor.call("webhooks_dispatch_events", {"limit": 1}, caller="system")  # queued, not yet sent
    assert await _cli("--db", str(db), "backup", str(copy)) == 0  # five emails and one webhook still to go


async def _deliver(db: Path, clock: FakeClock, port: int) -> None:
    clock.advance(minutes=1)  # the refused webhook's backoff has passed
    async with open_app(db, clock=clock) as app:
        await app.modules.configure("email", {"smtp_host": "127.0.0.1", "smtp_port": port,
                                              "smtp_from": "shop@example.com"})
        await app.executor.call("email_deliver_outbox", {}, caller="system")
        await app.executor.call("webhooks_dispatch_events", {}, caller="system")


async def test_a_restore_never_sends_again_what_was_sent_since_the_backup(
        tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    db, copy = tmp_path / "live.db", tmp_path / "before.db"
    async with smtp_sink() as sink, http_receiver() as receiver:
        receiver.answers = [503]  # the webhook waits in the backup too
        await _queue_and_back_up(db, copy, clock, receiver.url)
        await _deliver(db, clock, sink.port)  # the five emails and the webhook go out after the backup
        assert len(sink.messages) == 5 and len(receiver.requests) == 2
        capsys.readouterr()
        assert await _cli("--db", str(db), "restore", str(copy)) == 0
        assert "5 message(s) and 1 webhook delivery(ies) sent since the backup are marked sent" in \
            capsys.readouterr().out
        clock.advance(minutes=5)
        await _deliver(db, clock, sink.port)  # the restored instance's next delivery pass
    assert len(sink.messages) == 5 and len(receiver.requests) == 2  # nothing went out a second time


async def test_a_restore_over_a_lost_database_resends_under_the_same_identities(
        tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    db, copy = tmp_path / "live.db", tmp_path / "before.db"
    async with smtp_sink() as sink, http_receiver() as receiver:
        receiver.answers = [503]
        await _queue_and_back_up(db, copy, clock, receiver.url)
        await _deliver(db, clock, sink.port)
        for lost in db.parent.glob("live.db*"):  # the disk died: what was sent since the backup is not known
            lost.unlink()
        assert await _cli("--db", str(db), "restore", str(copy)) == 0
        clock.advance(minutes=5)
        await _deliver(db, clock, sink.port)
    # Sent again (nothing could say they went), each with the Message-ID it first carried: receivers drop them.
    ids = Counter(str(m["Message-ID"]) for m in sink.messages)
    assert len(sink.messages) == 10 and len(ids) == 5 and set(ids.values()) == {2}
    hooks = Counter(r.headers["webhook-id"] for r in receiver.requests)
    assert len(hooks) == 1 and len(receiver.requests) == 3  # refused, delivered, resent with the same id


def _worker(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "server.cli.main", "--db", str(db), "worker"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


async def test_a_restore_is_refused_while_a_worker_works_the_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, copy = tmp_path / "live.db", tmp_path / "before.db"
    assert await _cli("--db", str(db), "call", "crm_create_lead", "--args", '{"email": "kept@acme.io"}') == 0
    assert await _cli("--db", str(db), "backup", str(copy)) == 0
    worker = _worker(db)
    try:
        assert worker.stderr is not None
        started = await anyio.to_thread.run_sync(worker.stderr.readline)  # the worker is up and has the database
        assert "worker running the scheduler" in started
        capsys.readouterr()
        assert await _cli("--db", str(db), "restore", str(copy)) == 2
        assert "a Pilothouse process is using" in capsys.readouterr().err
        worker.send_signal(signal.SIGTERM)
        assert await anyio.to_thread.run_sync(lambda: worker.wait(timeout=60)) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert await _cli("--db", str(db), "restore", str(copy)) == 0
