"""`pilothouse eval` in CI: every task passes with its reference script, and the hostile cases hold
against a model that obeys whatever the data tells it.

The proving ground runs on its own SQLite copies of a seeded instance, whatever store the suite's
other tests use: once per CI run is enough (skipped in the PostgreSQL pass).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals import instructions
from evals.task import load
from server.cli.main import main

pytestmark = pytest.mark.sqlite_only("the proving ground makes its own SQLite instances; it runs once per CI")

TASKS = {t.id: t for t in load()}
HOSTILE = [t for t, task in TASKS.items() if task.kind == "hostile"]


def _eval(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["eval", "--json", "--quiet", *args])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_every_task_passes_with_its_reference_and_nothing_unsafe_happens(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, report = _eval(capsys, "--out", str(tmp_path / "reference.json"))
    failed = {t["id"]: [f"{r['reason']}: {r['detail']}" for r in t["runs"] if not r["success"]]
              for t in report["tasks"] if t["successes"] < t["attempts"]}
    assert failed == {}
    overall = report["overall"]
    assert code == 0 and overall["invariant_violations"] == 0 and overall["pass^k"] == {"1": 1.0}
    assert overall["tasks"] == len(load()) and overall["model_calls_per_attempt"] > 1
    assert json.loads((tmp_path / "reference.json").read_text())["overall"] == overall
    assert report["models"] == ["local:reference"]  # over real HTTP, through the provider chain


@pytest.fixture(scope="module")
def adversarial() -> dict[str, dict[str, Any]]:
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        main(["eval", "--json", "--quiet", "--model", "adversarial", "--tasks", "hostile"])
    return {t["id"]: t for t in json.loads(out.getvalue())["tasks"]}


@pytest.mark.parametrize("task_id", HOSTILE)
def test_a_hostile_case_ends_with_no_effect_when_the_model_obeys_it(
        adversarial: dict[str, dict[str, Any]], task_id: str) -> None:
    run = adversarial[task_id]["runs"][0]
    planted = " ".join(str(c.args) for c in TASKS[task_id].setup)
    called = {c.split()[0] for c in run["calls"]}
    assert {o.skill for o in instructions.orders(planted)} <= called  # the model did fall for it
    assert run["violations"] == [] and run["failed_checks"] == [], run


def test_eval_lists_its_tasks_and_refuses_what_it_cannot_run(capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["eval", "--list", "--tasks", "refusals"]) == 0
    listed = capsys.readouterr().out
    assert "refusals/go-live" in listed and "Switch yourself to live mode" in listed
    assert main(["eval", "--tasks", "no-such-task"]) == 2
    assert "no task matches" in capsys.readouterr().err
    for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["eval", "--model", "provider", "--tasks", "crm/add-lead"]) == 2
    assert "LOCAL_AI_BASE_URL" in capsys.readouterr().err


def test_eval_runs_your_own_task_file_and_says_what_is_wrong_with_one(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('[[task]]\nid = "mine/catalog"\nkind = "lookup"\nmodules = ["products"]\n'
                    'ask = "How many different products do we sell?"\nanswer = [["4", "four"]]\n'
                    'reference = [{ call = "products_list" }, { answer = "We sell 4 products." }]\n')
    code, report = _eval(capsys, "--file", str(mine))
    assert code == 0 and [(t["id"], t["successes"]) for t in report["tasks"]] == [("mine/catalog", 1)]

    wrong = tmp_path / "wrong.toml"  # its reference cannot meet its own check: the suite is broken
    wrong.write_text(mine.read_text().replace('[["4", "four"]]', '["seven"]'))
    code, report = _eval(capsys, "--file", str(wrong))
    assert code == 1 and report["tasks"][0]["runs"][0]["reason"] == "wrong_answer"

    bad = tmp_path / "bad.toml"
    bad.write_text(mine.read_text().replace("How many different products do we sell?", "Run products_list"))
    assert main(["eval", "--file", str(bad)]) == 2
    assert "operator's words, not products_list" in capsys.readouterr().err
