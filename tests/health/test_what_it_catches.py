"""Pattern 4's "what this catches", each reproduced from outside: the CLI on a database file, the way
an operator meets it. (The partial deploy of a pip-installed pack: test_community_pack_drift.py.)"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from server.cli.main import main
from server.health.baseline import BUILTIN_PATH


def health(db: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    capsys.readouterr()
    code = main(["--db", db, "health", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_deployment_drift_a_baseline_from_dev_names_the_skills_this_instance_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev, prod, file = str(tmp_path / "dev.db"), str(tmp_path / "prod.db"), tmp_path / "expected.json"
    assert main(["--db", dev, "health", "baseline", "export", str(file)]) == 0
    exported = json.loads(file.read_text())
    assert set(exported) >= {"skills_hash", "modules", "documents"} and exported["scope"] == "instance"
    assert exported["modules"]["blog"]["version"] and "blog_publish_post" in exported["modules"]["blog"]["skills"]

    assert main(["--db", prod, "modules", "disable", "blog"]) == 0
    assert main(["--db", prod, "health", "baseline", "import", str(file)]) == 0
    code, report = health(prod, capsys)
    assert code == 1 and report["status"] == "degraded"
    drift = report["version"]["drift"]
    assert set(drift["removed"]) == set(exported["modules"]["blog"]["skills"]) and drift["added"] == []
    assert drift["modules"] == ["blog: in the baseline, not enabled here"]
    assert any("blog_publish_post" in f["message"] for f in report["findings"] if f["kind"] == "drift")

    assert main(["--db", prod, "modules", "enable", "blog"]) == 0
    assert health(prod, capsys)[0] == 0


def test_silent_cron_death_a_stale_heartbeat_is_unhealthy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cron.db")
    assert main(["--db", db, "agent", "enable"]) == 0
    assert health(db, capsys)[0] == 0
    with sqlite3.connect(db) as conn:  # the scheduler died two days ago: nothing has run since
        conn.execute("UPDATE schedules SET last_run = '2020-01-01T00:00:00+00:00', "
                     "next_run = '2020-01-01T00:30:00+00:00' WHERE name = 'heartbeat'")
    code, report = health(db, capsys)
    assert code == 2 and report["status"] == "unhealthy"
    assert any("schedule heartbeat last ran 2020-01-01" in f["message"] for f in report["findings"])


def test_soul_corruption_is_named_and_restored_by_the_self_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "soul.db")
    assert main(["--db", db, "agent", "enable"]) == 0
    with sqlite3.connect(db) as conn:
        seeded = conn.execute("SELECT value FROM memory WHERE key = 'soul'").fetchone()[0]
        conn.execute("UPDATE memory SET value = 'x' WHERE key = 'soul'")  # a bad update, not a person's edit
    code, report = health(db, capsys)
    assert code == 1 and report["version"]["soul_exists"] is True  # it exists: existence is not enough
    [finding] = [f for f in report["findings"] if f["kind"] == "document_corrupted"]
    assert finding["message"].startswith("the agent's soul document looks broken: only 1 characters")

    code, checked = health(db, capsys, "check")
    assert code == 0 and checked["status"] == "healthy"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM memory WHERE key = 'soul'").fetchone()[0] == seeded
    capsys.readouterr()
    assert main(["--db", db, "health", "history", "--json"]) == 0
    [last] = json.loads(capsys.readouterr().out)
    assert last["status"] == "healthy" and last["restored"] == ["soul (from its last good version)"]


def test_partial_deploy_stored_rows_that_differ_from_the_served_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "partial.db")
    assert health(db, capsys)[0] == 0
    with sqlite3.connect(db) as conn:  # the rows say one thing; the code MCP serves says another
        conn.execute("UPDATE skills SET instructions = 'An older text.' WHERE name = 'crm_get_lead'")
    code, report = health(db, capsys)
    assert code == 1 and report["version"]["partial_deploy"] == ["crm_get_lead"]
    [finding] = [f for f in report["findings"] if f["kind"] == "partial_deploy"]
    assert "pilothouse modules enable crm" in finding["message"]
    assert main(["--db", db, "modules", "enable", "crm"]) == 0  # the remedy it names
    assert health(db, capsys)[0] == 0


def test_a_fresh_install_is_compared_with_the_shipped_release_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = health(str(tmp_path / "fresh.db"), capsys)
    shipped = json.loads(BUILTIN_PATH.read_text())
    assert code == 0 and report["version"]["baseline_source"] == f"release {shipped['release']} (shipped)"
    assert report["version"]["baseline_hash"] == shipped["skills_hash"]
