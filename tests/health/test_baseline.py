"""Where the baseline comes from (a file, the stored one, the shipped release) and what differs from it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from modules import BUILTIN_MODULES
from server.app import App
from server.assembly import open_app
from server.cli.main import main
from server.health.baseline import BUILTIN_PATH, ENV, render_release, set_baseline
from server.health.report import build_report
from server.health.selfcheck import history, run_self_check
from server.testing import FakeClock
from skills import Module, SkillContext, skill
from tests.health.helpers import redeploy

pytestmark = pytest.mark.anyio


def test_the_shipped_release_baseline_matches_the_code() -> None:
    # Like docs/skills.md: a change to a built-in skill's instructions, a module version or a document
    # template must ship with the baseline a fresh install is compared with.
    import anyio

    async def render() -> str:
        import tempfile

        with tempfile.TemporaryDirectory() as scratch:
            async with open_app(Path(scratch) / "release.db") as app:
                return render_release(app.registry)

    assert anyio.run(render) == BUILTIN_PATH.read_text(encoding="utf-8"), (
        "server/health/builtin_baseline.json is stale: run `pilothouse health baseline builtin --write` and commit it")


async def test_without_a_stored_baseline_the_code_is_compared_with_the_release(app: App) -> None:
    report = await build_report(app)
    assert report.version.baseline_source is not None and report.version.baseline_source.startswith("release ")
    redeploy(app, "crm_get_lead", "Not what the release ships.")
    await app.modules.enable("crm")  # rows and code agree: only the release disagrees
    report = await build_report(app)
    assert report.version.partial_deploy == [] and report.version.drift is not None
    assert report.version.drift["changed"] == ["crm_get_lead"]
    assert "skills differ from the release baseline (changed: crm_get_lead)" in report.integrity.issues


class Made(BaseModel):
    made: str


@skill(name="widgets_make", title="Make a widget", category="operations", instructions="Makes one widget.")
async def make(ctx: SkillContext) -> Made:
    """Make a widget."""
    return Made(made="widget")


WIDGETS = Module(id="widgets", name="Widgets", description="A community module of the tests.",
                 category="operations", version="1.0.0", skills=(make,))


async def test_a_community_module_is_no_difference_from_the_release_but_is_from_an_instance_baseline(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with open_app(tmp_path / "w.db", modules=[*BUILTIN_MODULES, WIDGETS], clock=clock) as app:
        assert (await build_report(app)).status == "healthy"
        await app.modules.disable("widgets")
        await set_baseline(app)
        await app.modules.enable("widgets")
        drift = (await build_report(app)).version.drift
        assert drift == {"added": ["widgets_make"], "removed": [], "changed": [],
                         "modules": ["widgets: enabled here, not in the baseline"]}


async def test_a_module_version_that_differs_from_the_baseline_is_named(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "v.db"
    async with open_app(db, modules=[*BUILTIN_MODULES, WIDGETS], clock=clock) as app:
        await set_baseline(app)
    async with open_app(db, modules=[*BUILTIN_MODULES, dataclasses.replace(WIDGETS, version="1.1.0")],
                        clock=clock) as app:
        report = await build_report(app)
    assert report.status == "degraded" and report.version.drift is not None
    assert report.version.drift["modules"] == ["widgets: version 1.1.0 here, 1.0.0 in the baseline"]


async def test_a_partial_deploy_opens_a_self_heal_objective_naming_the_remedy(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "p.db"
    changed = dataclasses.replace(WIDGETS.skills[0], instructions="Makes one widget, painted blue.")
    async with open_app(db, modules=[*BUILTIN_MODULES, WIDGETS], clock=clock) as app:
        await set_baseline(app)
    # The next release of the code, same version, started on the same database: nothing re-seeds it.
    async with open_app(db, modules=[*BUILTIN_MODULES, dataclasses.replace(WIDGETS, skills=(changed,))],
                        clock=clock) as app:
        report = await run_self_check(app)
        assert report.version.partial_deploy == ["widgets_make"]
        objective = await app.store.fetchone(
            "SELECT goal, plan FROM objectives WHERE kind = 'selfheal:partial_deploy'")
        assert objective is not None
        assert "widgets_make" in objective["goal"] and "pilothouse modules enable widgets" in objective["goal"]
        assert "health_rebootstrap_module" in json.loads(objective["plan"])[0]["title"]
        await app.modules.enable("widgets")
        assert (await build_report(app)).version.partial_deploy == []
        [row] = await history(app)
        assert (row.status, row.findings, row.kinds) == ("degraded", 2, ["drift", "partial_deploy"])


def test_import_refuses_a_file_that_is_not_a_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, bad = str(tmp_path / "b.db"), tmp_path / "bad.json"
    bad.write_text('{"format": 1, "skills_hash": "abc", "modules": {}}')
    assert main(["--db", db, "health", "baseline", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.json is not a usable baseline: skills_hash: String should match pattern" in err
    assert "pilothouse health baseline export FILE" in err
    assert main(["--db", db, "health", "baseline", "import", str(tmp_path / "none.json")]) == 2
    assert "cannot read the baseline file" in capsys.readouterr().err


def test_pilothouse_baseline_names_the_file_health_compares_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dev, prod, file = str(tmp_path / "dev.db"), str(tmp_path / "prod.db"), tmp_path / "expected.json"
    assert main(["--db", dev, "modules", "disable", "blog"]) == 0
    assert main(["--db", dev, "health", "baseline", "export", str(file)]) == 0
    monkeypatch.setenv(ENV, str(file))
    capsys.readouterr()
    assert main(["--db", prod, "health", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["version"]["baseline_source"].startswith(f"{ENV}={file} at ")
    assert "blog_publish_post" in report["version"]["drift"]["added"]
    file.write_text("not json")
    assert main(["--db", prod, "health", "--json"]) == 1  # a bad file is a finding, not a crash
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert finding["kind"] == "baseline" and "is not JSON" in finding["message"]


def test_history_lists_the_last_self_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "h.db")
    assert main(["--db", db, "health", "history"]) == 0
    assert "no self-checks yet" in capsys.readouterr().out
    assert main(["--db", db, "health", "check"]) == 0
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE skills SET instructions = 'stale' WHERE name = 'crm_get_lead'")
    assert main(["--db", db, "health", "check"]) == 1
    capsys.readouterr()
    assert main(["--db", db, "health", "history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CHECKED_AT", "STATUS", "SCORE", "FINDINGS", "SKILLS_HASH", "KINDS",
                                 "RESTORED"]
    assert "degraded" in lines[1] and "partial_deploy" in lines[1] and "healthy" in lines[2]  # newest first
