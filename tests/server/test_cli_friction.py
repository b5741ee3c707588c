"""What a new user trips over at the terminal: option order, help, meta-tools, messages, tracebacks."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli.main import build_parser, main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_global_options_work_after_the_command_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    code, out, _ = run(capsys, "call", "crm_create_lead", "--db", db, "--args", '{"email": "after@acme.io"}')
    assert code == 0 and json.loads(out)["email"] == "after@acme.io"
    code, out, _ = run(capsys, "--db", db, "skills", "list", "--json")
    before = json.loads(out)
    code, out, _ = run(capsys, "skills", "list", "--json", "--db", db)
    assert code == 0 and json.loads(out) == before
    assert (tmp_path / "cli.db").exists() and not Path("cli.db").exists()


def _options(parser: argparse.ArgumentParser, path: str) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _options(child, f"{path} {name}")
        elif action.option_strings and not isinstance(action, argparse._HelpAction):
            found.append((path, action))
    return found


def test_every_option_has_help() -> None:
    missing = [f"{path} {action.option_strings[0]}" for path, action in _options(build_parser(), "pilothouse")
               if not action.help]
    assert missing == []


def test_call_runs_the_meta_tools(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    code, out, _ = run(capsys, "--db", db, "call", "search_skills", "--args", '{"query": "overdue invoices"}')
    assert code == 0 and "invoicing_check_overdue" in [r["name"] for r in json.loads(out)["results"]]
    code, out, _ = run(capsys, "--db", db, "call", "describe_skill", "--args", '{"name": "crm_create_lead"}')
    assert code == 0 and json.loads(out)["module"] == "crm"


def test_errors_name_commands_and_say_one_problem_per_line_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "cli.db")
    _, _, err = run(capsys, "--db", db, "call", "crm_nope")
    assert "pilothouse skills list" in err and "search_skills" not in err
    run(capsys, "--db", db, "modules", "enable", "pilot")
    _, _, err = run(capsys, "--db", db, "approvals", "approve", "99")
    assert "pilothouse approvals list" in err and "ops_list_approvals" not in err
    code, _, err = run(capsys, "--db", db, "call", "crm_create_lead", "--args", '{"email": "x", "colour": 1}')
    lines = err.splitlines()
    assert code == 1 and lines[0] == "pilothouse: invalid arguments for crm_create_lead:"
    assert lines[1].strip() == "- 'email': must be an email address such as ann@example.com (got \"x\")"
    assert lines[2].strip().startswith("- 'colour' is not a parameter")
    assert "pilothouse skills show crm_create_lead" in lines[3] and "describe_skill" not in err
    assert ":;" not in err and "^[" not in err


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL")) and k != "OLLAMA_HOST"}
    return subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(db), *args], capture_output=True,
                          env=env, timeout=120)


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "pipe.db"
    _cli(db, "skills", "list")  # create the instance first
    # Like `pilothouse skills list | true`: the reader is gone before the command writes.
    proc = subprocess.Popen([sys.executable, "-m", "server.cli.main", "--db", str(db), "skills", "list"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and "Traceback" not in err and "BrokenPipeError" not in err


def test_a_heartbeat_without_a_provider_says_how_to_set_one_up(tmp_path: Path) -> None:
    db = tmp_path / "hb.db"
    assert _cli(db, "agent", "enable").returncode == 0
    created = _cli(db, "call", "pilot_create_objective", "--args",
                   '{"goal": "Grow leads", "success_criteria": "10 new leads"}')
    assert created.returncode == 0, created.stderr
    beat = _cli(db, "heartbeat", "--once")
    err, out = beat.stderr.decode(), beat.stdout.decode()
    assert beat.returncode == 1 and "Traceback" not in err
    assert "no AI provider is configured" in out and "OPENAI_API_KEY" in out
