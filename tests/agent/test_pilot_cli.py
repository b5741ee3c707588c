"""The agent's CLI as a person uses it: agent enable/status/disable, approvals, the activity feed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from server.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_agent_enable_status_disable(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "agent.db"
    code, out, _ = run(capsys, db, "agent", "status")
    assert code == 0 and "agent: off" in out and "pilothouse agent enable" in out
    code, out, _ = run(capsys, db, "agent", "enable", "--heartbeat", "*/15 * * * *", "--active-hours", "08:00-18:00",
                       "--timezone", "Europe/Stockholm")
    assert code == 0 and "agent: enabled" in out and "schedule heartbeat registered" in out
    assert "settings: active_hours=08:00-18:00, timezone=Europe/Stockholm" in out
    assert "note: no AI provider is configured" in out and "OPENAI_API_KEY" in out
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")
    assert run(capsys, db, "agent", "enable")[1].strip() == "agent: already enabled, nothing changed"
    status = json.loads(run(capsys, db, "agent", "status", "--json")[1])
    assert status["enabled"] and status["settings"]["active_hours"] == "08:00-18:00"
    assert {s["name"]: s["cron"] for s in status["schedules"]}["heartbeat"] == "*/15 * * * *"
    code, out, _ = run(capsys, db, "agent", "status")
    assert "agent: ON" in out and "automation_dispatcher" in out

    code, _, err = run(capsys, db, "agent", "enable", "--heartbeat", "every 5 minutes")
    assert code == 2 and "invalid cron expression" in err
    code, _, err = run(capsys, db, "agent", "enable", "--active-hours", "8-18")
    assert code == 2 and "must look like 08:00-20:00" in err

    code, out, _ = run(capsys, db, "agent", "disable")
    assert code == 0 and "data, memory and schedules kept" in out
    assert run(capsys, db, "agent", "disable")[1].strip() == "agent: already disabled"
    code, out, _ = run(capsys, db, "heartbeat", "--once")
    assert "heartbeat (not recorded): off" in out and "pilothouse agent enable" in out


def test_approvals_and_activity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "approvals.db"
    run(capsys, db, "agent", "enable")
    run(capsys, db, "call", "blog_create_post", "--args", '{"title": "Hello", "body": "Hi"}')
    with sqlite3.connect(db) as conn:  # what the executor queues when the agent calls an approve skill
        conn.executemany(
            "INSERT INTO approvals (skill, arguments, status, requested_at, expires_at) VALUES (?, ?, 'pending', ?, ?)",
            [("blog_archive_post", f'{{"post_id": {i}}}', "2026-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00")
             for i in (1, 2)])  # one pending request per skill and arguments
    code, out, _ = run(capsys, db, "approvals", "list")
    assert code == 0 and "blog_archive_post" in out and "2 request(s)" in out
    assert "approval #1 approved" in run(capsys, db, "approvals", "approve", "1")[1]
    assert "approval #2 rejected" in run(capsys, db, "approvals", "reject", "2", "--reason", "keep it")[1]
    code, _, err = run(capsys, db, "approvals", "approve", "2")
    assert code == 1 and "already rejected" in err
    listed = json.loads(run(capsys, db, "approvals", "list", "--all", "--json")[1])
    assert [(a["status"], a["decided_by"]) for a in listed] == [("approved", "cli"), ("rejected", "cli")]

    feed = json.loads(run(capsys, db, "activity", "--json", "--since", "1h")[1])
    assert [(r["skill"], r["status"]) for r in feed][:4] == [
        ("ops_list_approvals", "ok"), ("ops_approve", "error"), ("ops_reject", "ok"), ("ops_approve", "ok")]
    code, out, _ = run(capsys, db, "activity", "--skill", "blog_create_post")
    assert code == 0 and "blog_create_post" in out and "1 of 1 call(s)" in out
    assert json.loads(run(capsys, db, "activity", "--json", "--since", "2999-01-01T00:00:00+00:00")[1]) == []
    code, _, err = run(capsys, db, "activity", "--since", "yesterday")
    assert code == 2 and "an age (30m, 2h, 1d)" in err


def test_modules_enable_pilot_turns_the_whole_agent_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "hint.db"
    code, out, _ = run(capsys, db, "modules", "enable", "pilot")
    assert code == 0 and out.startswith("pilot is the agent: doing what `pilothouse agent enable` does\nagent: enabled")
    assert "module health enabled" in out and "memory soul seeded" in out and "schedule heartbeat registered" in out
    health = json.loads(run(capsys, db, "health", "--json")[1])
    assert health["status"] == "healthy" and health["agent_enabled"] and health["cron"]["missing"] == []
    code, out, _ = run(capsys, db, "modules", "disable", "pilot")
    assert code == 0 and "agent: disabled" in out and "module health disabled" in out
    code, out, _ = run(capsys, db, "agent", "status")
    assert "agent: off" in out and "turn it on with: pilothouse agent enable" in out
