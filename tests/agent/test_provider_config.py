"""Providers set once for every process of the instance: `pilothouse providers set/remove/test`.

The README's two-terminal story: the key lived in one shell, so the server started elsewhere (an
MCP host passes no environment) found no provider while `providers` in the shell showed one.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from server.assembly import open_app
from server.cockpit import data, render
from server.providers import ProviderChain, stored, views
from server.providers.config import load_settings
from server.testing.fake_model import FakeModelServer, Reply
from tests.agent.test_ask_cli import PROVIDER_VARS, run

KEY = "sk-test-abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (*PROVIDER_VARS, "LOCAL_AI_API_KEY", "PILOTHOUSE_SECRETS_FILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def bare_env() -> dict[str, str]:
    """What an MCP host hands the server it starts: no provider variable at all."""
    return {k: v for k, v in os.environ.items() if k not in PROVIDER_VARS and not k.startswith("PILOTHOUSE_")}


def test_a_provider_set_once_is_used_by_a_process_started_without_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_env: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "one.db"
    assert run(capsys, db, "agent", "enable")[0] == 0
    with FakeModelServer("local", models=("smollm2",), context_window=8192) as local:
        code, out, err = run(capsys, db, "providers", "set", "local", "--url", local.base_url)
        assert code == 0, err
        assert "set for every process" in out and "position 1" in out
        local.script(Reply("Nothing is new."))
        # Another process, with none of the shell's variables (as an MCP host starts `serve`).
        done = subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(db), "ask", "Anything new?",
                               "--json"], env=bare_env(), capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        record = json.loads(done.stdout)
        assert record["models"] == ["local:smollm2"] and record["answer"] == "Nothing is new."
        assert record["iterations"][0]["window"] == 8192  # asked of the server (its /props)

        code, out, _ = run(capsys, db, "providers", "--json")
        shown = json.loads(out)["providers"][0]
        assert (shown["provider"], shown["origin"], shown["window"]) == ("local", "stored", "8192 (llama.cpp /props)")

        local.script(Reply("OK"))
        code, out, _ = run(capsys, db, "providers", "test", "local", "--json")
        assert code == 0 and json.loads(out)[0]["ok"] is True
        assert local.requests[-1].body["max_tokens"] == 16

        assert run(capsys, db, "providers", "remove", "local")[0] == 0
        code, _, err = run(capsys, db, "providers", "test")
        assert code != 0 and "not in the chain" in err


def test_keys_are_kept_by_reference_never_in_the_database_the_output_or_the_cockpit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_env: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "keys.db"
    assert run(capsys, db, "agent", "enable")[0] == 0
    with FakeModelServer("openai", models=("gpt-4.1-mini",), api_key=KEY) as openai:
        clean_env.setattr(sys, "stdin", io.StringIO(KEY + "\n"))
        code, out, err = run(capsys, db, "providers", "set", "openai", "--url", openai.base_url, "--key-stdin")
        assert code == 0, err
        secrets_file = Path(f"{db}.secrets.json")
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600 and KEY in secrets_file.read_text()
        openai.script(Reply("OK"), Reply("OK"))
        assert run(capsys, db, "providers", "test", "openai")[0] == 0  # the stored key reaches the server
        shown = "".join(run(capsys, db, "providers", "--json")[1:]) + "".join(run(capsys, db, "providers")[1:])
        assert KEY not in shown and "secret:openai" in shown
        assert run(capsys, db, "backup", str(tmp_path / "copy.db"))[0] == 0
        for dumped in (db, tmp_path / "copy.db"):
            assert KEY.encode() not in dumped.read_bytes()

        async def cockpit() -> str:
            async with open_app(db) as app:
                return render.panels(await data.gather(app), "csrf")

        page = anyio.run(cockpit)
        assert "secret:openai" in page and KEY not in page and openai.base_url in page

        # A secrets file others can read is refused, with the fix.
        secrets_file.chmod(0o644)
        code, _, err = run(capsys, db, "providers")
        assert code != 0 and f"chmod 600 {secrets_file}" in err
        secrets_file.chmod(0o600)

        # A key variable named instead of stored: read from the process's environment when it runs.
        code, out, _ = run(capsys, db, "providers", "set", "openai", "--key-env", "MY_OPENAI_KEY")
        assert code == 1 and "stored, but not usable yet: its key variable MY_OPENAI_KEY is not set" in out
        clean_env.setenv("MY_OPENAI_KEY", KEY)
        assert run(capsys, db, "providers", "test", "openai")[0] == 0



@pytest.mark.anyio
async def test_the_environment_still_overrides_and_each_process_says_what_it_uses(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    async with open_app(tmp_path / "env.db") as app:
        await stored.save(app.store, stored.StoredProvider("local", 1, "http://127.0.0.1:9/v1", "small", "small",
                                                           None, 8192), "2026-11-02T09:00:00")
        assert [(s.name, s.base_url, s.origin) for s in (await load_settings(app.store, {})).providers] == [
            ("local", "http://127.0.0.1:9/v1", "stored")]
        env = {"LOCAL_AI_BASE_URL": "http://127.0.0.1:7/v1", "OPENAI_API_KEY": "sk-env"}
        shell = await load_settings(app.store, env)
        assert [(s.name, s.base_url, s.origin) for s in shell.providers] == [
            ("local", "http://127.0.0.1:7/v1", "stored; env: url"), ("openai", "https://api.openai.com/v1", "env")]
        assert shell.providers[0].models["fast"] == "small" and shell.providers[0].context_window == 8192
        # A worker started from a service manager without the variables publishes what it uses.
        now = app.clock.now().isoformat(timespec="seconds")
        await views.publish(app.store, "worker:box:42:abcd", "worker", await load_settings(app.store, {}), now,
                            views.stale_before(app))
        listed = await views.recent(app.store, views.stale_before(app))
        assert [(v["role"], [c["provider"] for c in v["chain"]["chain"]]) for v in listed] == [("worker", ["local"])]
        async with ProviderChain.for_app(app) as chain:
            assert [s.name for s in (await chain.ready()).providers] == ["local"]
