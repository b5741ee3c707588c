"""Module settings are a typed model: ``modules configure`` refuses an unknown key (naming the accepted
ones) or a wrong value (naming the rule) when it is set, not when a handler fails on it later; a secret
is never shown; a process variable the model names supplies a value nobody configured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.app import App
from server.health.report import build_report
from tests.server.packs import pilothouse

pytestmark = pytest.mark.anyio


def test_configure_names_the_unknown_or_wrong_key_with_the_accepted_ones(tmp_path: Path) -> None:
    db = tmp_path / "instance.db"
    typo = pilothouse(None, db, "modules", "configure", "email", "smtp_prot=587")
    assert typo.returncode != 0
    assert "module email has no setting 'smtp_prot' (did you mean smtp_port?); its settings:" in typo.stderr
    assert "smtp_host" in typo.stderr and "retry_budget_hours" in typo.stderr
    wrong = pilothouse(None, db, "modules", "configure", "email", "retry_budget_hours=abc")
    assert wrong.returncode != 0
    assert "setting retry_budget_hours: Input should be a valid number" in wrong.stderr
    assert "(got 'abc')" in wrong.stderr
    port = pilothouse(None, db, "modules", "configure", "email", "smtp_port=70000")
    assert "setting smtp_port: Input should be less than or equal to 65535 (got 70000)" in port.stderr
    none = pilothouse(None, db, "modules", "configure", "crm", "anything=1")
    assert "module 'crm' has no settings to configure" in none.stderr

    ok = pilothouse(None, db, "modules", "configure", "email", "smtp_host=mail.example.com", "smtp_port=587",
                    "smtp_password=hunter2")
    assert ok.returncode == 0, ok.stderr
    info = json.loads(pilothouse(None, db, "modules", "info", "email", "--json").stdout)
    shown = {s["name"]: (s["value"], s["source"]) for s in info["settings"]}
    assert shown["smtp_port"] == (587, "configured") and shown["smtp_host"] == ("mail.example.com", "configured")
    assert shown["smtp_password"] == ("********", "configured")
    assert shown["retry_budget_hours"] == (24.0, "default")
    assert "hunter2" not in pilothouse(None, db, "modules", "info", "email").stdout


async def test_a_handler_gets_defaults_process_variables_and_what_was_configured(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PILOTHOUSE_SMTP_HOST", "smtp.env.example")
    monkeypatch.setenv("PILOTHOUSE_SMTP_PORT", "2525")
    await app.modules.configure("email", {"smtp_port": 587})
    settings = await app.modules.settings("email")
    assert (settings["smtp_host"], settings["smtp_port"], settings["retry_base_s"]) == ("smtp.env.example", 587, 60.0)


async def test_a_stored_value_from_before_the_check_is_reported_and_the_default_applies(app: App) -> None:
    await app.store.execute("UPDATE modules SET settings = ? WHERE id = 'email'",
                            (json.dumps({"retry_budget_hours": "abc", "smtp_prot": 587}),))
    assert (await app.modules.settings("email"))["retry_budget_hours"] == 24.0
    findings = [f.message for f in (await build_report(app)).findings if f.kind == "module_settings"]
    assert any("stored setting 'smtp_prot' is not one of its settings" in f for f in findings)
    assert any("setting retry_budget_hours: Input should be a valid number" in f for f in findings)
