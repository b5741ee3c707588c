"""`pilothouse ask` and `pilothouse providers` end to end: the CLI, the real SDKs, fake providers over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli.main import main
from server.testing.fake_model import Call, FakeModelServer, Fault, Reply

PROVIDER_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "GEMINI_API_KEY", "GEMINI_BASE_URL", "OLLAMA_HOST",
                 "OLLAMA_MODEL", "LOCAL_AI_BASE_URL", "LOCAL_AI_MODEL")


@pytest.fixture
def no_providers(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROVIDER_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_fails_over_from_a_rejected_key_and_prints_calls_and_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_providers: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "ask.db"
    assert run(capsys, db, "agent", "enable")[0] == 0
    assert run(capsys, db, "call", "crm_create_lead", "--args", '{"email": "ada@analytical.io", "name": "Ada"}')[0] == 0
    with FakeModelServer("openai", api_key="sk-right") as openai, FakeModelServer("gemini") as gemini:
        no_providers.setenv("OPENAI_API_KEY", "sk-wrong")  # the fake answers 401 to any other key
        no_providers.setenv("OPENAI_BASE_URL", openai.base_url)
        no_providers.setenv("GEMINI_API_KEY", "gemini-key")
        no_providers.setenv("GEMINI_BASE_URL", gemini.base_url)
        gemini.script(
            Reply(tool_calls=[Call("crm_list_leads", {"status": "new"})], usage=(812, 18)),
            Reply(tool_calls=[Call("crm_set_lead_status", {"lead_id": 1, "status": "contacted"})], usage=(990, 22)),
            Reply("Ada (lead 1) was the only new lead; she is now marked contacted.", usage=(1104, 19)),
        )
        code, out, err = run(capsys, db, "ask", "Mark every new lead as contacted", "--json")
        assert code == 0, err
        record = json.loads(out)
        assert len(openai.requests) == 1  # rejected once, then skipped while it cools down

        code, human, _ = run(capsys, db, "providers")
        code_json, listed, _ = run(capsys, db, "providers", "--json")
        assert run(capsys, db, "providers", "--reset", "openai")[1].strip() == "cleared the cooldown of openai"

    assert record["stop_reason"] == "answer" and record["answer"].startswith("Ada (lead 1)")
    assert record["models"] == ["gemini:gemini-2.5-flash"] * 3
    first, later = record["iterations"][0]["attempts"], record["iterations"][1]["attempts"]
    assert [(a["provider"], a["status"], a["error_kind"]) for a in first] == [
        ("openai", "error", "auth_failed"), ("gemini", "ok", None)]
    assert [(a["provider"], a["status"]) for a in later] == [("openai", "skipped"), ("gemini", "ok")]
    assert [(c["skill"], c["ok"]) for c in record["tool_calls"]] == [
        ("crm_list_leads", True), ("crm_set_lead_status", True)]
    assert (record["prompt_tokens"], record["completion_tokens"]) == (2906, 59)

    assert code == 0 and "openai" in human and "auth_failed" in human
    rows = {r["provider"]: r for r in json.loads(listed)["providers"]}
    assert code_json == 0 and rows["openai"]["cooldown_until"] and not rows["openai"]["available"]
    assert rows["gemini"]["available"] and rows["gemini"]["order"] == 2 and not rows["ollama"]["configured"]
    usage = {(u["provider"], u["calls"], u["errors"]) for u in json.loads(listed)["usage"]}
    assert usage == {("openai", 1, 1), ("gemini", 3, 0)}

    # The lead really changed, through the executor, as the agent.
    lead = json.loads(run(capsys, db, "call", "crm_get_lead", "--args", '{"lead_id": 1}')[1])
    assert lead["status"] == "contacted"


def test_ask_prints_each_call_for_people(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         no_providers: pytest.MonkeyPatch) -> None:
    with FakeModelServer("gemini") as gemini:
        no_providers.setenv("GEMINI_API_KEY", "k")
        no_providers.setenv("GEMINI_BASE_URL", gemini.base_url)
        gemini.script(Reply(tool_calls=[Call("crm_get_lead", {"lead_id": 99})]), Reply("There is no lead 99."))
        run(capsys, tmp_path / "h.db", "agent", "enable")
        code, out, _ = run(capsys, tmp_path / "h.db", "ask", "Show lead 99")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("[1] gemini:gemini-2.5-flash (tier full")
    assert lines[1].startswith('    crm_get_lead {"lead_id": 99} -> error validation:')
    assert lines[-1] == "There is no lead 99."


def test_ask_without_a_provider_says_what_to_set(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 no_providers: pytest.MonkeyPatch) -> None:
    run(capsys, tmp_path / "none.db", "agent", "enable")
    code, out, err = run(capsys, tmp_path / "none.db", "ask", "hello")
    assert code == 2 and out == ""
    for variable in ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
        assert variable in err
    code, out, _ = run(capsys, tmp_path / "none.db", "providers")
    assert code == 0 and "No provider is configured" in out


def test_every_provider_failing_exits_1_with_the_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         no_providers: pytest.MonkeyPatch) -> None:
    with FakeModelServer("openai") as openai:
        no_providers.setenv("OPENAI_API_KEY", "k")
        no_providers.setenv("OPENAI_BASE_URL", openai.base_url)
        openai.script(Fault.insufficient_quota())
        run(capsys, tmp_path / "q.db", "agent", "enable")
        code, _, err = run(capsys, tmp_path / "q.db", "ask", "hello")
    assert code == 1 and "provider_error" in err and "quota_hit" in err


def test_ask_with_the_agent_off_says_how_to_turn_it_on_or_do_it_by_hand(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], no_providers: pytest.MonkeyPatch) -> None:
    with FakeModelServer("gemini") as gemini:
        no_providers.setenv("GEMINI_API_KEY", "k")
        no_providers.setenv("GEMINI_BASE_URL", gemini.base_url)
        code, out, err = run(capsys, tmp_path / "off.db", "ask", "Mark every new lead as contacted")
        assert gemini.requests == []  # no model is asked while the agent is off
    assert code == 2 and out == ""
    assert "the agent is off" in err and "Turn it on with: pilothouse agent enable" in err
    assert "pilothouse call SKILL" in err
    assert "the agent is off" in run(capsys, tmp_path / "off.db", "ask", "--resume", "r1")[2]
