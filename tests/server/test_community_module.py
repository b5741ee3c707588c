"""A community pack installed with pip is discovered through the `pilothouse.modules` entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PACK = Path(__file__).parents[1] / "community_pack"


def _pilothouse(site: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(db), *args],
                          env=env, capture_output=True, text=True, timeout=120)


def test_pip_installed_pack_adds_its_module_skills_and_automations(tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(PACK)],
        check=True, capture_output=True, timeout=300,
    )
    db = tmp_path / "pack.db"
    listed = json.loads(_pilothouse(site, db, "modules", "list", "--json").stdout)
    hello = next(m for m in listed if m["id"] == "hello")
    assert hello["enabled"] and hello["skill_count"] == 2

    greeted = _pilothouse(site, db, "call", "hello_greet", "--args", '{"name": "Ada"}')
    assert greeted.returncode == 0, greeted.stderr
    assert json.loads(greeted.stdout)["text"] == "Hello, Ada!"
    info = json.loads(_pilothouse(site, db, "modules", "info", "hello", "--json").stdout)
    assert [a["name"] for a in info["automations"]] == ["Daily count"]

    # Without the pack on the path the module is simply unknown: nothing else breaks.
    plain = subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(tmp_path / "plain.db"),
                            "modules", "list", "--json"], capture_output=True, text=True, timeout=120)
    assert "hello" not in [m["id"] for m in json.loads(plain.stdout)]
