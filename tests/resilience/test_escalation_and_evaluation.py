"""Layer 3 (auto-pause and notify) and layer 4 (outcomes and the 24 h flags)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from modules.email import module as email_module
from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server.app import App
from server.assembly import open_app
from server.cli.main import main
from server.resilience import escalation, evaluation
from server.resilience.evaluation import flagged_skills
from server.tables import activity
from server.testing import FakeClock, McpHarness, http_receiver, smtp_sink
from skills import ErrorKind
from tests.resilience import flaky

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def webhooks_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receivers here listen on 127.0.0.1: the operator's switch for private webhook targets."""
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


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
    assert skill is not None
    assert skill["enabled"] == 0 and "3 consecutive hard-gate failures (last: auth_failed)" in skill["paused_reason"]
    note = await fapp.store.fetchone("SELECT kind, body FROM notifications")
    assert note is not None
    assert note["kind"] == "skill_paused" and "pilothouse skills resume flaky_sync" in note["body"]
    outbox = await fapp.store.fetchall("SELECT channel, recipient FROM outbox ORDER BY channel")
    assert [(o["channel"], o["recipient"]) for o in outbox] == [
        ("email", "owner@example.com"), ("webhook", "http://127.0.0.1:9/hook")]

    assert "is paused" in await fmcp.error("flaky_sync")
    for caller in ("cli", "pilot", "automation"):
        result = await fapp.executor.call("flaky_sync", {}, caller=caller)
        assert result.error_kind == "skill_paused"
    assert "flaky_sync" not in await fmcp.tool_names()


async def test_a_success_in_between_resets_the_hard_negative_streak(fapp: App, fmcp: McpHarness) -> None:
    await _hard_failures(fmcp, 2, "rate_limited")
    await fmcp.call("flaky_sync")
    await _hard_failures(fmcp, 2, "quota_hit")
    assert await fapp.store.fetchval("SELECT enabled FROM skills WHERE name = 'flaky_sync'") == 1


def test_paused_skill_shows_in_the_cli_and_resume_brings_it_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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


async def test_pause_flags_and_breaker_survive_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "state.db"
    async with open_app(db, modules=[flaky.module], clock=clock, retry_delay_s=0) as app:
        for step in ("ok", "auth_failed", "auth_failed", "ok", "auth_failed", "auth_failed", "auth_failed"):
            flaky.SCRIPT["flaky_sync"] = [step]
            await app.executor.call("flaky_sync", {}, caller="automation")
        assert await app.store.fetchval("SELECT paused_reason FROM skills WHERE name = 'flaky_sync'")
    async with open_app(db, modules=[flaky.module], clock=clock, retry_delay_s=0) as app:
        result = await app.executor.call("flaky_sync", {}, caller="cli")
        assert result.error_kind == "skill_paused" and "3 consecutive hard-gate failures" in result.message
        [flag] = await flagged_skills(app.store, clock.now())
        assert (flag.skill, flag.calls, flag.negatives) == ("flaky_sync", 7, 5)
        state = await app.store.fetchone("SELECT breaker, consecutive_hard_negatives FROM skill_state")
        assert state is not None
        assert (state["breaker"], state["consecutive_hard_negatives"]) == ("open", 3)
        assert await app.store.fetchval("SELECT COUNT(*) FROM notifications WHERE kind = 'skill_paused'") == 1
        async with app.store.transaction() as tx:
            assert await escalation.resume(tx, "flaky_sync", clock.now())
        assert (await app.executor.call("flaky_sync", {}, caller="cli")).ok  # resume resets the breaker too


async def test_the_pause_notice_is_delivered_by_email_and_webhook(monkeypatch: pytest.MonkeyPatch,
                                                                   clock: FakeClock) -> None:
    async with smtp_sink() as sink, http_receiver() as hook, open_app(
        ":memory:", modules=[flaky.module, email_module], clock=clock, retry_delay_s=0
    ) as app:
        monkeypatch.setenv("PILOTHOUSE_ADMIN_EMAIL", "owner@example.com")
        monkeypatch.setenv("PILOTHOUSE_ADMIN_WEBHOOK", hook.url + "/pilothouse")
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "pilothouse@example.com"})
        for _ in range(3):
            flaky.SCRIPT["flaky_sync"] = ["quota_hit"]
            await app.executor.call("flaky_sync", {}, caller="pilot")
        delivered = await app.executor.call("email_deliver_outbox", {}, caller="automation")
        assert delivered.ok and delivered.output is not None and delivered.output["sent"] == 2
    [mail] = sink.messages
    assert (mail["To"], mail["Subject"]) == ("owner@example.com", "[Pilothouse] Skill flaky_sync was paused")
    assert "pilothouse skills resume flaky_sync" in mail.get_payload()
    [post] = hook.requests
    payload = json.loads(post.body)
    assert post.path == "/pilothouse" and payload["kind"] == "skill_paused"
    assert "last: quota_hit" in payload["body"]


async def test_without_channels_the_notice_is_kept_for_the_cli(fapp: App, fmcp: McpHarness,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PILOTHOUSE_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("PILOTHOUSE_ADMIN_WEBHOOK", raising=False)
    await _hard_failures(fmcp, 3, "http_401")
    assert await fapp.store.fetchval("SELECT COUNT(*) FROM notifications") == 1
    assert await fapp.store.fetchval("SELECT COUNT(*) FROM outbox") == 0


async def test_handler_outcomes_partial_no_effect_and_too_early_are_scored(fapp: App, clock: FakeClock) -> None:
    await fapp.modules.enable("flaky")
    result = await fapp.executor.call("flaky_outcome", {"outcome": "partial"}, caller="cli")
    assert result.outcome == "partial"
    await fapp.executor.call("flaky_outcome", {"outcome": "no_effect"}, caller="cli")
    queued = await fapp.executor.call("flaky_approve", {}, caller="pilot")
    assert (queued.error_kind, queued.outcome) == ("approval_required", "too_early")
    rows = await fapp.store.fetchall("SELECT skill, status, outcome FROM activity ORDER BY id")
    assert [(r["skill"], r["status"], r["outcome"]) for r in rows] == [
        ("flaky_outcome", "ok", "partial"), ("flaky_outcome", "ok", "no_effect"),
        ("flaky_approve", "pending", "too_early")]


def test_flagged_skills_show_in_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "flags.db"

    async def history() -> None:  # what five calls of crm_get_lead leave behind, four of them hard-gate failures
        async with open_app(db) as app:
            async with app.store.transaction() as tx:
                kinds = [ErrorKind.AUTH_FAILED, None, ErrorKind.AUTH_FAILED, ErrorKind.TIMEOUT, ErrorKind.RATE_LIMITED]
                for i, kind in enumerate(kinds):
                    await activity.write(
                        tx, ts=app.clock.now().isoformat(timespec="seconds"), caller="pilot", run_id=None,
                        skill="crm_get_lead", module_id="crm", arguments={"lead_id": i}, output_summary=None,
                        status="error" if kind else "ok", outcome=evaluation.score(kind), error_kind=kind,
                        error=kind, duration_ms=1, attempts=1)

    asyncio.run(history())
    capsys.readouterr()
    assert main(["--db", str(db), "skills", "list", "--module", "crm", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["crm_get_lead"]["flagged"] and not rows["crm_create_lead"]["flagged"]
    main(["--db", str(db), "skills", "list", "--module", "crm"])
    out = capsys.readouterr().out.splitlines()
    header = out[0].split()
    flagged_column = header.index("FLAGGED")
    [lead_line] = [row for row in out if row.split()[1:2] == ["crm_get_lead"]]
    assert lead_line.split()[-1] == "yes" and header[flagged_column] == "FLAGGED"
