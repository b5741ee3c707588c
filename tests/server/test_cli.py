"""The CLI as a person uses it: tables, --json, one-line errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_call_operates_a_skill_and_bad_input_is_one_line_on_stderr(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "cli.db"
    code, out, _ = run(capsys, db, "call", "crm_create_lead", "--args", '{"email": "cli@acme.io"}')
    assert code == 0 and json.loads(out)["email"] == "cli@acme.io"

    code, out, err = run(capsys, db, "call", "crm_create_lead", "--args", '{"email": "cli@acme.io"}')
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "already exists (id 1)" in err

    code, _, err = run(capsys, db, "call", "crm_create_lead", "--args", "{email: oops}")
    assert code == 2 and "not valid JSON" in err
    code, _, err = run(capsys, db, "call", "crm_create_lead", "--args", "[1]")
    assert code == 2 and "JSON object" in err


def test_modules_list_info_disable_enable(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "cli.db"
    code, out, _ = run(capsys, db, "modules", "list")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["ID", "NAME", "ENABLED"]
    code, out, _ = run(capsys, db, "modules", "info", "crm", "--json")
    info = json.loads(out)
    assert info["enabled"] and "crm_qualify_leads" in [s["name"] for s in info["skills"]]
    assert run(capsys, db, "modules", "disable", "blog")[1].strip() == "blog: disabled (data kept)"
    listed = json.loads(run(capsys, db, "modules", "list", "--json")[1])
    assert not next(m for m in listed if m["id"] == "blog")["enabled"]
    assert run(capsys, db, "modules", "enable", "blog")[1].strip() == "blog: enabled"
    assert "nothing changed" in run(capsys, db, "modules", "enable", "blog")[1]
    code, _, err = run(capsys, db, "modules", "enable", "nope")
    assert code == 2 and "unknown module 'nope'" in err


def test_skills_list_and_show(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "cli.db"
    rows = json.loads(run(capsys, db, "skills", "list", "--json")[1])
    archive = next(r for r in rows if r["name"] == "blog_archive_post")
    assert archive["hints"] == "destructive,idempotent" and archive["enabled"] and not archive["paused"]
    code, out, _ = run(capsys, db, "skills", "show", "crm_move_deal")
    assert code == 0 and "won and lost" in out
    code, _, err = run(capsys, db, "skills", "show", "crm_nothing")
    assert code == 2 and "unknown skill" in err


def test_seed_demo_runs_once(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "cli.db"
    assert "seeded demo data" in run(capsys, db, "seed-demo")[1]
    leads = json.loads(run(capsys, db, "call", "crm_list_leads")[1])["total"]
    assert leads > 0
    assert "already seeded" in run(capsys, db, "seed-demo")[1]
    assert json.loads(run(capsys, db, "call", "crm_list_leads")[1])["total"] == leads


def test_version(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, tmp_path / "v.db", "version")
    assert code == 0 and out.startswith("pilothouse ")
