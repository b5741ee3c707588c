"""A partial deploy of a pip-installed community pack: the pack reinstalled with one skill's instructions
changed and the same version, the database not re-seeded. Each step is a new `pilothouse` process
with the pack's install directory on its path, as on a server after `pip install` and a restart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

PACK = Path(__file__).parents[1] / "community_pack"
OLD = "Stores a greeting for a name and returns it."
NEW = "Stores a greeting for a name, in the person's own language when it is known, and returns it."


def install(source: Path, target: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(source)], check=True, capture_output=True, timeout=300)
    return target


def pilothouse(site: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(db), *args],
                          env=env, capture_output=True, text=True, timeout=120)


def health(site: Path, db: Path) -> tuple[int, Any]:
    run = pilothouse(site, db, "health", "--json")
    return run.returncode, json.loads(run.stdout)


def test_a_reinstalled_pack_whose_rows_were_not_reseeded_is_a_partial_deploy(tmp_path: Path) -> None:
    variant = tmp_path / "pack-next"
    shutil.copytree(PACK, variant, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    code = variant / "pilothouse_hello_pack" / "greetings.py"
    assert OLD in code.read_text()
    code.write_text(code.read_text().replace(OLD, NEW))  # same version, one instruction changed
    first, second = install(PACK, tmp_path / "site-1"), install(variant, tmp_path / "site-2")
    db = tmp_path / "prod.db"

    assert pilothouse(first, db, "health", "baseline", "set").returncode == 0
    assert health(first, db)[0] == 0

    status, report = health(second, db)
    assert status == 1 and report["status"] == "degraded"
    assert report["version"]["partial_deploy"] == ["hello_greet"]
    assert report["version"]["drift"]["changed"] == ["hello_greet"]
    kinds = {f["kind"]: f["message"] for f in report["findings"]}
    assert set(kinds) == {"partial_deploy", "drift"}
    assert kinds["partial_deploy"].startswith("skill hello_greet: the running code serves another definition")
    text = pilothouse(second, db, "health").stdout
    assert "hello_greet" in text and "pilothouse modules enable hello" in text

    # The remedy it names re-seeds the rows from the running code: the partial deploy is gone. What is
    # left is the difference from the baseline set before the upgrade, until a person accepts it.
    assert pilothouse(second, db, "modules", "enable", "hello").returncode == 0
    status, report = health(second, db)
    assert report["version"]["partial_deploy"] == []
    [left] = report["findings"]
    assert left["kind"] == "drift" and "changed: hello_greet" in left["message"]
    assert pilothouse(second, db, "health", "baseline", "set").returncode == 0
    assert health(second, db)[0] == 0
