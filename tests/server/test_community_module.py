"""A community pack installed with pip is discovered through the `pilothouse.modules` entry point,
and its own test suite passes on the harness Pilothouse ships (server.testing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACK = Path(__file__).parents[1] / "community_pack"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pack pip-installed into its own directory, once for this file's tests."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(PACK)],
        check=True, capture_output=True, timeout=300,
    )
    return target


def _env(site: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}


def _pilothouse(site: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(db), *args],
                          env=_env(site), capture_output=True, text=True, timeout=120)


def test_pip_installed_pack_adds_its_module_skills_and_automations(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "pack.db"
    listed = json.loads(_pilothouse(site, db, "modules", "list", "--json").stdout)
    hello = next(m for m in listed if m["id"] == "hello")
    assert hello["enabled"] and hello["skill_count"] == 3 and hello["state"] == "on"

    greeted = _pilothouse(site, db, "call", "hello_greet", "--args", '{"name": "Ada"}')
    assert greeted.returncode == 0, greeted.stderr
    assert json.loads(greeted.stdout)["text"] == "Hello, Ada!"
    info = json.loads(_pilothouse(site, db, "modules", "info", "hello", "--json").stdout)
    assert [a["name"] for a in info["automations"]] == ["Daily summary"]

    # Without the pack on the path the module is simply unknown: nothing else breaks.
    plain = subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(tmp_path / "plain.db"),
                            "modules", "list", "--json"], capture_output=True, text=True, timeout=120)
    assert "hello" not in [m["id"] for m in json.loads(plain.stdout)]


def test_the_pack_suite_passes_on_the_shipped_harness(site: Path, tmp_path: Path) -> None:
    # As an author runs it: its own pytest config (the pack's pyproject.toml is the rootdir, so our
    # conftest is not loaded) and server.testing.pytest_plugin from its conftest. From tmp_path, so
    # nothing in this checkout is importable but the installed pilothouse and the installed pack.
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(PACK / "tests")],
        cwd=tmp_path, env={**_env(site), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rootdir = next(line for line in run.stdout.splitlines() if line.startswith("rootdir:"))
    assert rootdir.endswith("community_pack"), rootdir  # its config, not ours
    assert " passed" in run.stdout
