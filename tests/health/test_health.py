"""Instance health and drift (Pattern 4): the report, the self-check, and its HTTP/MCP/CLI faces."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import mcp_types as types
import pytest

from server.agent.bootstrap import enable_agent
from server.app import App
from server.assembly import open_app
from server.cli.main import main
from server.health.baseline import set_baseline
from server.health.http import routes
from server.health.report import build_report
from server.health.selfcheck import run_self_check
from server.http_app import build_http_app
from server.mcp.surface import Surface
from server.tables import skill_state
from server.testing import FakeClock, McpHarness
from tests.health.helpers import redeploy

pytestmark = pytest.mark.anyio


async def test_a_fresh_instance_is_healthy(app: App) -> None:
    report = await build_report(app)
    assert report.status == "healthy" and report.integrity.score == 1.0
    assert report.version.skill_count == len(await app.store.fetchall("SELECT 1 FROM skills WHERE enabled = 1"))
    assert report.database.reachable and report.database.schema_version >= 1


async def test_drift_names_added_removed_and_changed_skills(app: App) -> None:
    await set_baseline(app)
    redeploy(app, "crm_get_lead", "Rewritten in the code that now runs.")
    await app.modules.disable("blog")
    report = await build_report(app)
    assert report.status == "degraded"
    assert report.version.drift is not None
    assert report.version.drift["changed"] == ["crm_get_lead"]
    assert "blog_create_post" in report.version.drift["removed"] and report.version.drift["added"] == []
    assert report.version.drift["modules"] == ["blog: in the baseline, not enabled here"]
    assert any("changed: crm_get_lead" in issue for issue in report.integrity.issues)
    await app.modules.enable("blog")
    await set_baseline(app)
    await app.modules.disable("blog")
    await set_baseline(app)
    await app.modules.enable("blog")
    drift = (await build_report(app)).version.drift
    assert drift is not None and "blog_publish_post" in drift["added"]


async def test_the_hash_covers_the_whole_published_skill_file(app: App) -> None:
    async def hash_with(text: str) -> str:
        redeploy(app, "crm_qualify_leads", text)
        return (await build_report(app)).version.skills_hash

    base = "x" * 200
    original = await hash_with(base + " a tail")
    assert await hash_with(base + " another tail") != original  # past 200 characters too: what is served changed
    assert await hash_with(base + " a tail") == original


async def test_a_baseline_stored_before_is_compared_the_way_it_was_made(app: App) -> None:
    """A format-1 baseline (name::instructions[:200] digests) reports no drift after an upgrade, and
    still sees a change within the first 200 characters."""
    from server.health.hashing import compute
    from server.tables import memory

    skills = [app.registry.skills[n] for n in await skill_state.enabled_skill_names(app.store)]
    skills_hash, per_skill = compute([{"name": s.name, "instructions": s.instructions} for s in skills])
    stamp = "2026-01-01T00:00:00+00:00"
    old = {"hash": skills_hash, "skills": per_skill, "set_at": stamp}
    await memory.upsert(app.store, "skills_baseline", json.dumps(old), category="core", now_iso=stamp)
    report = await build_report(app)
    assert report.status == "healthy" and not any((report.version.drift or {}).values())
    redeploy(app, "crm_get_lead", "Rewritten in the code that now runs.")
    drift = (await build_report(app)).version.drift
    assert drift is not None and drift["changed"] == ["crm_get_lead"]


async def test_the_hash_is_of_the_served_skills_not_the_stored_rows(app: App) -> None:
    before = (await build_report(app)).version.skills_hash
    await app.store.execute("UPDATE skills SET instructions = 'edited in the database' WHERE name = 'crm_get_lead'")
    report = await build_report(app)
    assert report.version.skills_hash == before  # MCP still serves the code's instructions
    assert report.version.partial_deploy == ["crm_get_lead"] and report.status == "degraded"


async def test_agent_on_with_a_stale_heartbeat_or_a_missing_schedule_is_unhealthy(
    app: App, clock: FakeClock
) -> None:
    await enable_agent(app)
    assert (await build_report(app)).status == "healthy"
    await app.store.execute("UPDATE schedules SET last_run = ?, next_run = ? WHERE name = 'heartbeat'",
                            ("2026-11-02T07:00:00+00:00", "2026-11-02T07:30:00+00:00"))
    report = await build_report(app)
    assert report.status == "unhealthy" and any("schedule heartbeat last ran" in i for i in report.integrity.issues)
    await app.store.execute("DELETE FROM schedules WHERE name = 'learn'")
    report = await build_report(app)
    assert report.cron.missing == ["learn"]


async def test_self_check_stores_a_row_and_opens_one_objective_per_kind(
    app: App, clock: FakeClock, mcp: McpHarness
) -> None:
    await set_baseline(app)
    redeploy(app, "crm_get_lead", "changed")
    await app.modules.enable("crm")  # a complete deploy: code and rows agree, both differ from the baseline
    first = await run_self_check(app)
    clock.advance(hours=6)
    await run_self_check(app)
    assert first.status == "degraded"
    objectives = await app.store.fetchall("SELECT kind, status, goal FROM objectives")
    assert [(o["kind"], o["status"]) for o in objectives] == [("selfheal:drift", "active")]
    assert "crm_get_lead" in objectives[0]["goal"]
    # The agent reads it like any objective it was given: a plan step naming the remedy.
    await enable_agent(app)
    listed = await mcp.call("pilot_list_objectives", status="active")
    [objective] = listed["items"]
    assert objective["plan"][0]["step"] == 1 and "health_rebootstrap_module" in objective["plan"][0]["title"]
    rows = await app.store.fetchall("SELECT caller, output_summary FROM activity WHERE skill = 'health_self_check'")
    assert len(rows) == 2 and json.loads(rows[0]["output_summary"])["status"] == "degraded"
    assert await app.store.fetchval("SELECT COUNT(*) FROM notifications") == 0


async def test_unhealthy_self_check_notifies_the_admin(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PILOTHOUSE_ADMIN_EMAIL", "owner@example.com")
    await enable_agent(app)
    await app.store.execute("DELETE FROM schedules WHERE name = 'heartbeat'")
    report = await run_self_check(app)
    assert report.status == "unhealthy"
    note = await app.store.fetchone("SELECT kind, body FROM notifications")
    assert note is not None
    assert note["kind"] == "instance_unhealthy" and "heartbeat is missing" in note["body"]
    assert await app.store.fetchval("SELECT recipient FROM outbox") == "owner@example.com"


async def test_http_endpoints_and_status_codes(app: App) -> None:
    asgi = build_http_app(Surface(app), host="127.0.0.1", port=8765, token=None, extra_routes=routes(app))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://127.0.0.1:8765") as c:
        healthy = await c.get("/instance-health")
        assert healthy.status_code == 200 and healthy.json()["status"] == "healthy"
        assert (await c.get("/healthz")).status_code == 200
        assert (await c.get("/readyz")).json()["status"] == "pass"
        await enable_agent(app)
        await app.store.execute("DELETE FROM schedules WHERE name = 'heartbeat'")
        failing = await c.get("/instance-health", headers={"Accept": "application/health+json"})
        assert failing.status_code == 503
        assert failing.headers["content-type"].startswith("application/health+json")
        assert failing.json()["status"] == "fail"


async def test_mcp_resource_and_agent_skill(app: App, mcp: McpHarness) -> None:
    read = await mcp.client.read_resource("health://instance")
    contents = read.contents[0]
    assert isinstance(contents, types.TextResourceContents) and json.loads(contents.text)["status"] == "healthy"
    assert "health_report" not in await mcp.tool_names()  # agent-only: hidden while the agent is off
    await enable_agent(app)
    report = await mcp.call("health_report")
    assert report["report"]["agent_enabled"] is True
    baseline = await mcp.call("health_set_baseline")
    assert baseline["skill_count"] == report["report"]["version"]["skill_count"]


async def test_self_heal_skills(app: App, mcp: McpHarness) -> None:
    await enable_agent(app)
    await app.store.execute("UPDATE memory SET value = '' WHERE key = 'soul'")
    healed = await mcp.call("health_reseed_documents")
    assert healed["detail"] == "restored: soul"
    assert (await mcp.call("health_reseed_documents"))["changed"] is False
    automation = await app.store.fetchval("SELECT id FROM automations WHERE module_id = 'crm'")
    assert (await mcp.call("health_disable_automation", automation_id=automation))["changed"] is True
    assert "no automation #999" in await mcp.error("health_disable_automation", automation_id=999)
    await app.store.execute("DELETE FROM skills WHERE name = 'crm_get_lead'")
    assert (await build_report(app)).status == "degraded"
    assert (await mcp.call("health_rebootstrap_module", module_id="crm"))["changed"] is True
    assert "no module 'crn'" in await mcp.error("health_rebootstrap_module", module_id="crn")


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "h.db")
    assert main(["--db", db, "health"]) == 0
    assert main(["--db", db, "health", "baseline", "set"]) == 0
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE skills SET instructions = 'edited' WHERE name = 'blog_publish_post'")
    capsys.readouterr()
    assert main(["--db", db, "health", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["version"]["partial_deploy"] == ["blog_publish_post"]


async def test_schema_validation_is_kept_per_code_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `pilothouse health` is a new process each time: the ~0.5 s meta-schema validation is done once per
    # version of the code, and done again when the code changes.
    from server.cache import skill_schemas
    from server.health import checks

    db = tmp_path / "health.db"
    async with open_app(db) as app:
        first = await checks.checked_schemas(app)
    assert set(first) == set(app.registry.skills) and not any(first.values())

    def must_not_run(skill: object) -> tuple[str, ...]:
        raise AssertionError("schemas validated again although the code did not change")

    monkeypatch.setattr(checks, "schema_problems", must_not_run)
    async with open_app(db) as app:
        assert await checks.checked_schemas(app) == first
        report = await build_report(app)
    assert "invalid_schema" not in json.dumps(report.model_dump())

    monkeypatch.setattr(skill_schemas, "fingerprint", lambda registry: "another-version")
    monkeypatch.setattr(checks, "schema_problems", lambda skill: ("bad",) if skill.name == "crm_get_lead" else ())
    async with open_app(db) as app:
        again = await checks.checked_schemas(app)
        rows = await app.store.fetchall("SELECT key FROM runtime_cache WHERE key GLOB 'schema_check:*'")
    keys = [r["key"] for r in rows]
    assert again["crm_get_lead"] == ["bad"] and keys == ["schema_check:another-version"]
