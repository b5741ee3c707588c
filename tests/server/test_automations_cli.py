"""`pilothouse automations list|run-due|enable|disable` as a person uses them."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from server.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_run_due_enable_disable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "automations.db"
    code, out, _ = run(capsys, db, "automations", "list")
    assert code == 0 and "executor pilot runs only while the agent is on" in out
    header = out.splitlines()[0].split()
    assert header == ["ID", "MODULE", "NAME", "TRIGGER", "SKILL", "EXECUTOR", "ENABLED", "LAST_RUN", "STATUS",
                      "NEXT_RUN", "HELD"]
    listed = {a["name"]: a for a in json.loads(run(capsys, db, "automations", "list", "--json")[1])}
    publisher = listed["Publish scheduled posts"]
    assert (publisher["module"], publisher["trigger"], publisher["skill"], publisher["executor"],
            publisher["enabled"]) == ("blog", "cron */5 * * * *", "blog_publish_due", "platform", True)
    assert publisher["next_run"] is not None and publisher["last_run"] is None
    assert listed["Dunning reminders"]["trigger"] == "event invoice.overdue"
    assert listed["Dunning reminders"]["executor"] == "pilot"

    code, out, _ = run(capsys, db, "automations", "run-due")
    assert code == 0 and "nothing was due" in out and "the agent is off" in out  # first pass arms the crons

    due = (datetime.now(UTC) - timedelta(seconds=30)).isoformat(timespec="seconds")
    with sqlite3.connect(db) as conn:  # as if its minute came while nobody ran the dispatcher
        conn.execute("UPDATE automations SET next_run = ? WHERE name = 'Publish scheduled posts'", (due,))
    code, out, _ = run(capsys, db, "automations", "run-due")
    assert code == 0 and f"#{publisher['id']} Publish scheduled posts: blog_publish_due ok" in out
    after = {a["name"]: a for a in json.loads(run(capsys, db, "automations", "list", "--json")[1])}
    assert after["Publish scheduled posts"]["status"] == "ok" and after["Publish scheduled posts"]["last_run"]

    code, out, _ = run(capsys, db, "automations", "disable", str(publisher["id"]))
    assert code == 0 and "Publish scheduled posts (blog: blog_publish_due) disabled" in out
    after = {a["name"]: a for a in json.loads(run(capsys, db, "automations", "list", "--json")[1])}
    assert after["Publish scheduled posts"]["enabled"] is False and after["Publish scheduled posts"]["next_run"] is None
    assert "enabled" in run(capsys, db, "automations", "enable", str(publisher["id"]))[1]
    code, _, err = run(capsys, db, "automations", "enable", "999")
    assert code == 2 and "no automation #999; pilothouse automations list shows the ids" in err
