"""The trust policy as a person uses it: the CLI, the MCP tools, the ladder, health and the digest."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from server.agent.bootstrap import enable_agent
from server.app import App
from server.cli.main import main
from server.health.report import build_report
from server.testing import McpHarness, Person
from server.trust import digest, mode, policy


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_trust_and_mode_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    code, _, err = run(capsys, db, "agent", "mode", "shadow")
    assert code == 2 and "pilothouse agent enable --shadow" in err
    code, out, _ = run(capsys, db, "agent", "enable", "--shadow")
    assert code == 0 and "mode: shadow" in out
    assert "mode: shadow" in run(capsys, db, "agent", "status")[1]
    assert run(capsys, db, "agent", "mode")[1].strip() == "agent mode: shadow"

    code, out, _ = run(capsys, db, "skills", "trust", "email_send", "approve")
    assert code == 0 and out.strip() == "email_send: trust notify -> approve"
    with pytest.raises(SystemExit):  # argparse names the choices
        run(capsys, db, "skills", "trust", "email_send", "sometimes")
    assert "choose from 'auto', 'notify', 'approve'" in capsys.readouterr().err
    code, _, err = run(capsys, db, "skills", "trust", "email_sned", "auto")
    assert code == 2 and "Did you mean: email_send" in err
    code, out, _ = run(capsys, db, "modules", "trust", "blog", "approve")
    assert code == 0 and "blog_create_post: trust auto -> approve" in out
    code, out, _ = run(capsys, db, "skills", "trust", "blog_create_post", "notify")
    assert "blog_create_post: trust approve -> notify" in out
    rows = {r["name"]: r for r in json.loads(run(capsys, db, "skills", "list", "--json")[1])}
    assert (rows["email_send"]["trust"], rows["email_send"]["default_trust"]) == ("approve", "notify")
    assert rows["blog_create_post"]["trust"] == "notify" and rows["blog_list_posts"]["trust"] == "approve"
    assert "approve (default notify)" in run(capsys, db, "skills", "list", "--module", "email")[1]
    code, out, _ = run(capsys, db, "modules", "trust", "blog", "--default")
    assert "blog_create_post: trust notify -> auto" in out and "blog_list_posts: trust approve -> auto" in out
    run(capsys, db, "modules", "enable", "email")  # a re-seed keeps the owner's choice
    rows = {r["name"]: r for r in json.loads(run(capsys, db, "skills", "list", "--json")[1])}
    assert rows["email_send"]["trust"] == "approve"
    with sqlite3.connect(db) as conn:
        changes = conn.execute("SELECT caller, input FROM activity WHERE skill = 'trust_policy'").fetchall()
        assert len(changes) == 1 + 7 + 1 + 7 and {c for c, _ in changes} == {"cli"}


async def _decided(app: App, skill: str, statuses: list[str]) -> None:
    for i, status in enumerate(statuses):
        await app.store.execute(
            "INSERT INTO approvals (skill, arguments, status, requested_by, requested_at, expires_at, kind) "
            "VALUES (?, ?, ?, 'pilot', ?, ?, 'proposal')",
            (skill, json.dumps({"n": i}), status, app.clock.now().isoformat(timespec="seconds"), "2999-01-01"))


@pytest.mark.anyio
async def test_the_ladder_suggests_loosening_after_ten_approvals_in_a_row(app: App) -> None:
    await enable_agent(app)
    await mode.set_mode(app, "shadow", who="cli")
    await policy.set_skill_trust(app, "email_send", "approve", who="cli")
    await _decided(app, "email_send", ["executed"] * 3 + ["rejected"] + ["executed"] * 9)
    [send] = [s for s in await policy.standings(app) if s.skill == "email_send"]
    assert (send.approved, send.rejected, send.streak, send.suggestion) == (12, 1, 9, None)
    await _decided(app, "email_send", ["approved"])
    [send] = [s for s in await policy.standings(app) if s.skill == "email_send"]
    assert send.suggestion is not None and "`pilothouse skills trust email_send notify`" in send.suggestion
    assert [s.trust for s in await policy.standings(app) if s.skill == "email_send"] == ["approve"]  # not by itself
    report = await build_report(app)
    assert report.skills.trust_suggestions == [send.suggestion]
    await policy.set_skill_trust(app, "blog_publish_post", "approve", who="cli")
    await policy.set_skill_trust(app, "blog_publish_post", "auto", who="cli")
    await policy.set_skill_trust(app, "email_send", "auto", who="cli")
    assert (await build_report(app)).skills.trust_loosened == ["email_send: auto (default notify)"]

    status = await digest.send(app)
    assert status.startswith("ok: digest sent (14 proposal(s), 0 suggestion(s))")
    note = await app.store.fetchone("SELECT title, body FROM notifications WHERE kind = 'shadow_digest'")
    assert note is not None and note["title"] == "Shadow digest: 14 proposal(s) in 24 h"
    assert "email_send: 14 proposed, 13 approved, 1 rejected, 0 pending" in note["body"]
    await mode.set_mode(app, "live", who="cli")
    await app.store.execute("DELETE FROM approvals")
    assert await digest.send(app) == "ok: live mode and no proposals: no digest"


@pytest.mark.anyio
async def test_the_trust_tools_over_mcp(app: App, mcp_person: McpHarness, person: Person) -> None:
    mcp = mcp_person  # trust is a person's decision: the client shows the person each change
    await enable_agent(app)
    changed = await mcp.call("trust_set_skill", skill_name="email_send", level="approve")
    assert changed["detail"] == "email_send: trust notify -> approve"
    changed = await mcp.call("trust_set_module", module_id="blog", level="notify")
    assert len(changed["changes"]) == 7
    changed = await mcp.call("trust_set_agent_mode", mode_name="shadow")
    assert changed["detail"] == "agent mode live -> shadow"
    shown = await mcp.call("trust_policy")
    assert shown["mode"] == "shadow"
    assert {s["skill"]: s["trust"] for s in shown["skills"]}["email_send"] == "approve"
    assert "level" in await mcp.error("trust_set_skill", skill_name="email_send", level="always")
    assert "unknown skill" in await mcp.error("trust_set_skill", skill_name="nope", level="auto")
    changed = await mcp.call("trust_set_skill", skill_name="email_send", level="default")
    assert changed["detail"] == "email_send: trust approve -> notify"
    # Each change was the person's, asked in the form; the invalid ones were refused before asking.
    assert person.questions == ["Confirm: Set a skill's trust (trust_set_skill)",
                                "Confirm: Set a module's trust (trust_set_module)",
                                "Confirm: Set the agent's mode (trust_set_agent_mode)",
                                "Confirm: Set a skill's trust (trust_set_skill)"]
