"""Setting up mail from the CLI: `pilothouse email test ADDRESS` saves the settings and says what the server said."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from server.app import App
from server.cli.main import main
from server.testing import McpHarness, free_port, smtp_sink

pytestmark = pytest.mark.anyio


async def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = await anyio.to_thread.run_sync(main, list(args))
    out, err = capsys.readouterr()
    return int(code), out, err


async def test_email_test_sets_up_mail_and_reports_the_servers_answer(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "mail.db")
    code, _, err = await _cli(capsys, "--db", db, "email", "test", "me@example.com")
    assert code == 1 and "no mail server is configured" in err and "--smtp-host HOST" in err
    code, _, err = await _cli(capsys, "--db", db, "email", "test", "me@example.com", "--smtp-host", "127.0.0.1",
                              "--smtp-port", str(free_port()), "--smtp-from", "shop@example.com")
    assert code == 1 and "nothing answers there: check smtp_host and smtp_port" in err
    async with smtp_sink(password="right") as sink:
        monkeypatch.setenv("SMTP_SECRET", "wrong")
        code, out, err = await _cli(capsys, "--db", db, "email", "test", "me@example.com", "--smtp-port",
                                    str(sink.port), "--smtp-username", "shop", "--smtp-password-env", "SMTP_SECRET")
        assert code == 1 and "saved: smtp_port, smtp_username and the password" in out
        assert "the server refused the login: check smtp_username and smtp_password" in err
        monkeypatch.setenv("SMTP_SECRET", "right")
        code, out, _ = await _cli(capsys, "--db", db, "email", "test", "me@example.com",
                                  "--smtp-password-env", "SMTP_SECRET")
        assert code == 0 and f"sent a test email to me@example.com through 127.0.0.1:{sink.port}" in out
        code, out, _ = await _cli(capsys, "--db", db, "email", "test", "you@example.com")  # the settings stayed
        assert code == 0
    assert [str(m["To"]) for m in sink.messages] == ["me@example.com", "you@example.com"]
    assert all(m["Subject"] == "Pilothouse test email" for m in sink.messages)
    code, _, err = await _cli(capsys, "--db", db, "email", "test", "me@example.com", "--smtp-password-env", "NOPE")
    assert code == 2 and "NOPE: that variable is not set" in err


async def test_the_test_email_over_mcp(app: App, mcp: McpHarness) -> None:
    assert "no mail server is configured" in await mcp.error("email_send_test", to="me@example.com")
    async with smtp_sink() as sink:
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "shop@example.com"})
        sent = await mcp.call("email_send_test", to="me@example.com")
    assert sent["sent"] and sent["message_id"] == str(sink.messages[0]["Message-ID"])
    assert sent["message_id"].endswith("@example.com>")
