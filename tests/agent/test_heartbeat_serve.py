"""The agent in the real process: `heartbeat --once` prints a cycle; `serve` beats and drains on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import pytest

from server.cli.main import main
from server.testing.fake_model import Call, Delay, FakeModelServer, Reply

ROOT = Path(__file__).parents[2]


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeModelServer]:
    with FakeModelServer("openai", models=("gpt-4.1-mini",)) as fake:
        fake.as_only_openai(monkeypatch)
        yield fake


def cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str]:
    code = main(["--db", str(db), *args])
    return code, capsys.readouterr().out


def prepare(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    assert cli(capsys, db, "agent", "enable")[0] == 0
    code, _ = cli(capsys, db, "call", "pilot_create_objective", "--args", json.dumps(
        {"goal": "Publish 2 blog posts this week", "success_criteria": "2 posts published", "priority": 1}))
    assert code == 0


def test_heartbeat_once_prints_what_the_cycle_did(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  model: FakeModelServer) -> None:
    db = tmp_path / "once.db"
    prepare(capsys, db)
    model.script(
        Reply(tool_calls=[Call("blog_create_post", {"title": "Spring menu", "body": "New dishes."}),
                          Call("blog_create_post", {"title": "Opening hours", "body": "Open late."})]),
        Reply(tool_calls=[Call("blog_publish_post", {"post_id": 1}), Call("blog_publish_post", {"post_id": 2})]),
        Reply(tool_calls=[Call("pilot_update_objective_step", {"objective_id": 1, "add_title": "Publish 2 posts",
                                                               "status": "done", "evidence": [4, 5]})]),
        Reply("Published posts 1 and 2 (activity 4, 5); recorded the evidence on objective #1."),
    )
    code, out = cli(capsys, db, "heartbeat", "--once")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("heartbeat #1: ok")
    assert "  objectives in context: #1" in out
    assert "  call #4: blog_publish_post ok" in lines and "  call #6: pilot_update_objective_step ok" in lines
    assert "summary: Published posts 1 and 2" in out
    code, out = cli(capsys, db, "heartbeat")
    assert code == 0 and "ok" in out.splitlines()[1]
    steps = json.loads(cli(capsys, db, "call", "pilot_list_objectives")[1])["items"][0]["plan"]
    assert steps[0]["evidence"] == [4, 5] and steps[0]["status"] == "done"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.anyio
async def test_serve_runs_the_heartbeat_and_drains_on_sigterm(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              model: FakeModelServer) -> None:
    db = tmp_path / "serve.db"
    await anyio.to_thread.run_sync(prepare, capsys, db)  # the CLI runs its own event loop
    # The heartbeat fell due a few seconds ago (real clock): the first scheduler tick runs it.
    due = (datetime.now(UTC) - timedelta(seconds=5)).isoformat(timespec="seconds")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE schedules SET next_run = ? WHERE name = 'heartbeat'", (due,))
    model.script(Reply(tool_calls=[Call("blog_create_post", {"title": "Before the restart", "body": "x"})]),
                 Delay(60))  # the second model call is in flight when the server is told to stop
    server = await anyio.open_process(
        [sys.executable, "-m", "server.cli.main", "--db", str(db), "serve", "--http", "--port", str(_free_port())],
        cwd=ROOT, env=dict(os.environ))
    try:
        assert await model.requests_reached(2, wait_s=30), "the served scheduler never ran the heartbeat"
        server.send_signal(signal.SIGTERM)
        with anyio.fail_after(20):
            await server.wait()
    finally:
        if server.returncode is None:
            server.kill()
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        run = conn.execute("SELECT status, cursor, paused_reason FROM runs").fetchone()
        beat = conn.execute("SELECT status, detail FROM heartbeats").fetchone()
        schedule = conn.execute("SELECT last_status FROM schedules WHERE name = 'heartbeat'").fetchone()
        locks = conn.execute("SELECT COUNT(*) FROM locks").fetchone()[0]
        posts = conn.execute("SELECT COUNT(*) FROM blog_posts").fetchone()[0]
    assert (run["status"], run["cursor"]) == ("paused", 2) and "interrupted" in run["paused_reason"]
    assert beat["status"] == "skipped" and "resumes next cycle" in json.loads(beat["detail"])["reason"]
    assert schedule["last_status"].startswith("interrupted") and locks == 0 and posts == 1
