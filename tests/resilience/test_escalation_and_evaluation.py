"""Layer 3 (auto-pause and notify) and layer 4 (outcomes and the 24 h flags)."""

from __future__ import annotations

import pytest

from server.app import App
from server.cli.main import main
from server.resilience.evaluation import flagged_skills
from tests.resilience import flaky
from tests.support import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def _hard_failures(fmcp: McpHarness, n: int, kind: str = "auth_failed") -> None:
    for _ in range(n):
        flaky.SCRIPT["flaky_sync"] = [kind] * 3  # retryable kinds fail on every attempt
        await fmcp.error("flaky_sync")


async def test_three_hard_gate_failures_pause_the_skill_for_every_caller(
    fapp: App, fmcp: McpHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PILOTHOUSE_ADMIN_EMAIL", "owner@example.com")
    monkeypatch.setenv("PILOTHOUSE_ADMIN_WEBHOOK", "http://127.0.0.1:9/hook")
    await _hard_failures(fmcp, 3)
    skill = await fapp.store.fetchone("SELECT enabled, paused_reason FROM skills WHERE name = 'flaky_sync'")
    assert skill["enabled"] == 0 and "3 consecutive hard-gate failures (last: auth_failed)" in skill["paused_reason"]
    note = await fapp.store.fetchone("SELECT kind, body FROM notifications")
    assert note["kind"] == "skill_paused" and "pilothouse skills resume flaky_sync" in note["body"]
    outbox = await fapp.store.fetchall("SELECT channel, recipient FROM outbox ORDER BY channel")
    assert [(o["channel"], o["recipient"]) for o in outbox] == [
        ("email", "owner@example.com"), ("webhook", "http://127.0.0.1:9/hook")]

    assert "is paused" in await fmcp.error("flaky_sync")
    for caller in ("cli", "pilot", "automation"):
        result = await fapp.executor.call("flaky_sync", {}, caller=caller)  # type: ignore[arg-type]
        assert result.error_kind == "skill_paused"
    assert "flaky_sync" not in await fmcp.tool_names()


async def test_a_success_in_between_resets_the_hard_negative_streak(fapp: App, fmcp: McpHarness) -> None:
    await _hard_failures(fmcp, 2, "rate_limited")
    await fmcp.call("flaky_sync")
    await _hard_failures(fmcp, 2, "quota_hit")
    assert await fapp.store.fetchval("SELECT enabled FROM skills WHERE name = 'flaky_sync'") == 1


def test_paused_skill_shows_in_the_cli_and_resume_brings_it_back(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json
    import sqlite3

    db = tmp_path / "pause.db"
    assert main(["--db", str(db), "skills", "list"]) == 0
    with sqlite3.connect(db) as conn:  # as escalation leaves it after three hard-gate failures
        conn.execute("UPDATE skills SET enabled = 0, paused_reason = 'auto-paused after 3 consecutive hard-gate "
                     "failures (last: auth_failed)' WHERE name = 'crm_get_lead'")
    capsys.readouterr()
    main(["--db", str(db), "skills", "list", "--json"])
    row = next(r for r in json.loads(capsys.readouterr().out) if r["name"] == "crm_get_lead")
    assert row["paused"].startswith("auto-paused") and not row["enabled"]
    assert main(["--db", str(db), "call", "crm_get_lead", "--args", '{"lead_id": 1}']) == 1
    assert "is paused" in capsys.readouterr().err
    assert main(["--db", str(db), "skills", "resume", "crm_get_lead"]) == 0
    assert capsys.readouterr().out.strip() == "crm_get_lead: resumed"
    main(["--db", str(db), "skills", "list", "--json"])
    row = next(r for r in json.loads(capsys.readouterr().out) if r["name"] == "crm_get_lead")
    assert row["enabled"] and row["paused"] is None


async def test_flags_need_five_calls_and_more_than_sixty_percent_negative(
    fapp: App, fmcp: McpHarness, clock: FakeClock
) -> None:
    pattern = ["quota_hit", "quota_hit", "ok", "quota_hit"]
    for step in pattern:
        flaky.SCRIPT["flaky_sync"] = [step]
        await (fmcp.call if step == "ok" else fmcp.error)("flaky_sync")
    assert await flagged_skills(fapp.store, clock.now()) == []  # 3 of 4: too few calls to judge
    await fmcp.call("flaky_sync")
    assert await flagged_skills(fapp.store, clock.now()) == []  # 3 of 5 is exactly 60 %
    flaky.SCRIPT["flaky_sync"] = ["http_403"]
    await fmcp.error("flaky_sync")
    [flag] = await flagged_skills(fapp.store, clock.now())
    assert (flag.skill, flag.calls, flag.negatives) == ("flaky_sync", 6, 4)
    await fmcp.error("flaky_sync", colour="red")  # refusals are neutral and not counted
    assert (await flagged_skills(fapp.store, clock.now()))[0].calls == 6
    clock.advance(hours=25)
    assert await flagged_skills(fapp.store, clock.now()) == []


async def test_outcomes_are_scored(fapp: App, fmcp: McpHarness) -> None:
    await fmcp.call("flaky_sync")
    flaky.SCRIPT["flaky_sync"] = ["rate_limited"] * 3
    await fmcp.error("flaky_sync")
    flaky.SCRIPT["flaky_sync"] = ["fail"]
    await fmcp.error("flaky_sync")
    rows = await fapp.store.fetchall("SELECT outcome, error_kind FROM activity ORDER BY id")
    assert [(r["outcome"], r["error_kind"]) for r in rows] == [
        ("success", None), ("negative", "rate_limited"), ("neutral", "validation")]


async def test_notify_trust_tells_the_admin_when_the_agent_acts(fapp: App) -> None:
    await fapp.modules.enable("flaky")
    assert (await fapp.executor.call("flaky_notify", {}, caller="pilot")).ok
    assert (await fapp.executor.call("flaky_notify", {}, caller="mcp")).ok
    notes = await fapp.store.fetchall("SELECT kind, title FROM notifications")
    assert [(n["kind"], n["title"]) for n in notes] == [("agent_action", "The agent ran flaky_notify")]
