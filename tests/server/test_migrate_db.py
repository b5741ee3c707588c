"""`pilothouse migrate-db --to postgresql://...`: the SQLite data moves whole, and ids carry on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli.main import main


def test_migrate_db_copies_every_row_checks_counts_and_refuses_a_full_target(
        tmp_path: Path, pg_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(tmp_path / "small.db")
    for n in range(3):
        assert main(["--db", source, "call", "crm_create_lead", "--args", json.dumps({"email": f"l{n}@acme.io"})]) == 0
    capsys.readouterr()
    assert main(["--db", source, "migrate-db", "--to", pg_database]) == 0
    out = capsys.readouterr().out
    assert "crm_leads" in out and "every count matches" in out and "MISMATCH" not in out
    assert main(["--db", pg_database, "call", "crm_create_lead", "--args", json.dumps({"email": "new@acme.io"})]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == 4  # the identity sequence moved past the copied ids
    assert main(["--db", pg_database, "call", "crm_list_leads"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 4
    assert main(["--db", source, "migrate-db", "--to", pg_database]) == 2
    assert "not empty" in capsys.readouterr().err


def test_backup_and_restore_on_postgresql_point_at_its_own_tools(capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: Path) -> None:
    url = "postgresql://pilothouse@127.0.0.1:1/pilothouse"  # never connected to: the command refuses first
    for command in ("backup", "restore"):
        assert main(["--db", url, command, str(tmp_path / "copy.db")]) == 2
        err = capsys.readouterr().err
        assert f"{command} copies a SQLite file" in err and "pg_dump" in err
