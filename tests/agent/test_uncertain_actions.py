"""An approved action killed mid-run is named uncertain, shown to a person, and never guessed.

A real child process runs the approved action against a real HTTP receiver that holds the POST;
the child is killed with SIGKILL while the POST is in flight.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import anyio
import pytest

from modules import BUILTIN_MODULES
from server import delivery_watch
from server.agent.approved_actions import execute_approved
from server.app import App, open_runtime
from server.assembly import system_modules
from server.cli.main import main
from server.confirmation import given
from server.health.report import build_report
from server.testing import FakeClock
from tests.agent import outward_pack
from tests.modules.slow_receivers import holding_http

pytestmark = pytest.mark.anyio

RUN_APPROVED = """
import asyncio, sys
from modules import BUILTIN_MODULES
from server.agent.approved_actions import execute_one
from server.app import open_runtime
from server.assembly import system_modules
from tests.agent.outward_pack import module

async def main() -> None:
    async with open_runtime(sys.argv[1], modules=[*BUILTIN_MODULES, module], system_modules=system_modules) as app:
        await execute_one(app, int(sys.argv[2]))

asyncio.run(main())
"""


def _spawn(db: Path | str, approval_id: int) -> subprocess.Popen[bytes]:
    """The approved action run in a process of its own, as the `approvals` job of a worker would run it."""
    return subprocess.Popen([sys.executable, "-c", RUN_APPROVED, str(db), str(approval_id)],
                            cwd=Path(__file__).parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
async def bank_app(app_db: Path | str, clock: FakeClock) -> AsyncIterator[App]:
    clock.current = datetime.now(UTC)  # the child runs on the real clock: this instance sees the same time
    async with open_runtime(app_db, modules=[*BUILTIN_MODULES, outward_pack.module], system_modules=system_modules,
                            clock=clock, retry_delay_s=0) as app:
        await app.modules.enable("outward")  # new to a database made before it (PostgreSQL's test template)
        yield app


async def test_an_approved_action_killed_mid_run_is_uncertain_until_a_person_says(
        bank_app: App, app_db: Path | str, capsys: pytest.CaptureFixture[str]) -> None:
    app = bank_app
    async with holding_http(hold_after=1) as bank:
        queued = await app.executor.call("outward_pay", {"url": f"{bank.url}/pay", "amount_cents": 90_000},
                                         caller="automation")
        assert queued.approval_id is not None  # approve trust: an automation's call waits for a person
        approved = await app.executor.call("ops_approve", {"approval_id": queued.approval_id}, caller="cli",
                                           confirm=given("cli"))  # the person's yes: the act itself
        assert approved.ok
        child = _spawn(app_db, queued.approval_id)
        try:
            await bank.gate.arrived(1)  # the payment order is at the bank; the bank has not answered yet
        finally:
            os.kill(child.pid, signal.SIGKILL)
            await anyio.to_thread.run_sync(child.wait)
        bank.gate.release()

        settled = await execute_approved(app)  # the minutely `approvals` job: never "executed", never run again
        assert [(s.approval_id, s.status) for s in settled] == [(queued.approval_id, "uncertain")]
        assert await execute_approved(app) == [] and len(bank.requests) == 1
        row = await app.store.fetchone("SELECT status FROM approvals WHERE id = ?", (queued.approval_id,))
        assert row == {"status": "uncertain"}
        # What is known is recorded, and a person hears it once.
        logged = await app.store.fetchone("SELECT skill, status, error_kind, error FROM activity "
                                          "WHERE error_kind = 'uncertain'")
        assert logged is not None and logged["skill"] == "outward_pay" and "reaches outside" in logged["error"]
        notes = await app.store.fetchall("SELECT title, body FROM notifications WHERE kind = 'approval_uncertain'")
        assert len(notes) == 1 and f"approvals resolve {queued.approval_id}" in notes[0]["body"]
        assert await delivery_watch.check(app) == 0  # the watch knows it was told
        health = await build_report(app)
        assert any(f.kind == "approval_uncertain" for f in health.findings)

        # The person checked with the bank: it did not go through. It runs again, once.
        code = await anyio.to_thread.run_sync(main, ["--db", str(app_db), "approvals", "resolve",
                                                     str(queued.approval_id), "--did-not-happen"])
        assert code == 0 and "runs within a minute, once" in capsys.readouterr().out
        # That CLI process has no `outward` pack installed, so it switched the module off (an uninstalled
        # pack's state); where the pack is installed, every process sees it. Back on for this one.
        await app.modules.enable("outward")
        ran = await execute_approved(app)
        assert [(s.approval_id, s.status) for s in ran] == [(queued.approval_id, "executed")], ran
        assert await execute_approved(app) == [] and len(bank.requests) == 2
    assert not any(f.kind == "approval_uncertain" for f in (await build_report(app)).findings)
    refused = await app.executor.call("ops_resolve_uncertain", {"approval_id": queued.approval_id, "happened": True},
                                      caller="cli")
    assert not refused.ok and "not uncertain" in refused.message
