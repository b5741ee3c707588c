"""The CLI as a person uses it: tables, --json, one-line errors and exit codes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from server.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_call_operates_a_skill_and_bad_input_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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


def test_modules_list_info_disable_enable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
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


def test_skills_list_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    rows = json.loads(run(capsys, db, "skills", "list", "--json")[1])
    archive = next(r for r in rows if r["name"] == "blog_archive_post")
    assert archive["hints"] == "destructive,idempotent" and archive["enabled"] and not archive["paused"]
    code, out, _ = run(capsys, db, "skills", "show", "crm_move_deal")
    assert code == 0 and "won and lost" in out
    code, _, err = run(capsys, db, "skills", "show", "crm_nothing")
    assert code == 2 and "unknown skill" in err


def test_seed_demo_runs_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    assert "seeded demo data" in run(capsys, db, "seed-demo")[1]
    leads = json.loads(run(capsys, db, "call", "crm_list_leads")[1])["total"]
    assert leads > 0
    assert "already seeded" in run(capsys, db, "seed-demo")[1]
    assert json.loads(run(capsys, db, "call", "crm_list_leads")[1])["total"] == leads
    # Demo data is history: no event for an automation or the agent to react to, no email queued.
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone() == (0,)


def test_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path / "v.db", "version")
    assert code == 0 and out.startswith("pilothouse ")


class _Terminal:
    """A stdin that is a terminal where the person types ``answer``."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answer


def test_an_approve_skill_runs_only_once_the_person_said_yes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cli.db"
    lines = '{"customer": "Northwind", "customer_email": "ap@northwind.example", ' \
            '"lines": [{"description": "Consulting", "quantity": 1, "unit_price_cents": 10000}]}'
    # An invoice names its seller: the business profile first (checked like over MCP, confirmed with --yes).
    assert run(capsys, db, "business", "set", "legal_name=Acme Ltd", "address_line1=1 High St", "city=London",
               "country=GB", "tax_id=GB980780684", "iban=GB33 BUKB 2020 1555 5555 55", "--yes")[0] == 0
    for _ in range(3):
        assert run(capsys, db, "call", "invoicing_create_invoice", "--args", lines)[0] == 0

    # A script (no terminal): refused, and told how to confirm.
    code, out, err = run(capsys, db, "call", "invoicing_send_invoice", "--args", '{"invoice_id": 1}')
    assert code == 1 and out == "" and "confirmation_required" in err and "--yes" in err

    # On a terminal the person is asked what exactly will happen; "n" leaves everything as it was.
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    code, out, err = run(capsys, db, "call", "invoicing_send_invoice", "--args", '{"invoice_id": 1}')
    assert code == 1 and "Confirm: Send an invoice (invoicing_send_invoice)" in err and "- invoice_id: 1" in err
    assert "not confirmed" in err and "nothing was changed" in err
    code, out, _ = run(capsys, db, "call", "invoicing_list", "--args", '{"status": "draft"}')
    assert sorted(i["id"] for i in json.loads(out)["items"]) == [1, 2, 3]

    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    code, out, _ = run(capsys, db, "call", "invoicing_send_invoice", "--args", '{"invoice_id": 1}')
    assert code == 0 and json.loads(out)["number"] == "INV-2026-0001"

    # --yes, or confirm in the arguments, asks nothing.
    monkeypatch.setattr("sys.stdin", _Terminal(""))  # an answer would be read as "no"
    code, out, _ = run(capsys, db, "call", "invoicing_send_invoice", "--yes", "--args", '{"invoice_id": 2}')
    assert code == 0 and json.loads(out)["status"] == "sent"
    code, out, _ = run(capsys, db, "call", "invoicing_send_invoice", "--args", '{"invoice_id": 3, "confirm": true}')
    assert code == 0 and json.loads(out)["status"] == "sent"

    # The document the customer got, as a file: the very bytes that were attached.
    code, out, _ = run(capsys, db, "call", "invoicing_pdf", "--args", '{"invoice_id": 3}', "--out",
                       str(tmp_path / "invoice.pdf"))
    assert code == 0 and (tmp_path / "invoice.pdf").read_bytes().startswith(b"%PDF")
    assert hashlib.sha256((tmp_path / "invoice.pdf").read_bytes()).hexdigest() == json.loads(out)["file"]["sha256"]
    code, _, err = run(capsys, db, "call", "invoicing_list", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "returns no file" in err
