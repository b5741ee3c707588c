"""One owner reads the process's configuration (server/settings.py): ``pilothouse config`` lists every
setting with its value and source, secrets masked; a variable set wrong is named with the rule it
broke; nothing else reads the environment, and every variable the docs name is declared."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from server import settings
from server.module_settings import listing
from skills.settings import env_of

ROOT = Path(__file__).parents[2]
# Reads of the test harness's own variables (PILOTHOUSE_TEST_DB, PILOTHOUSE_TEST_PG): not the product's.
HARNESS = "server/testing/"


def _config(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PILOTHOUSE_")}
    return subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(tmp_path / "cfg.db"), "config",
                           "--json"], env={**clean, **env}, capture_output=True, text=True, timeout=180, cwd=ROOT)


def test_config_lists_every_setting_with_its_source_and_masks_secrets(tmp_path: Path) -> None:
    run = _config(tmp_path, PILOTHOUSE_TOKEN="s3cret-token", PILOTHOUSE_PORT="9000",
                  PILOTHOUSE_SMTP_HOST="mail.example.com", PILOTHOUSE_SMTP_PASSWORD="s3cret-smtp",
                  PILOTHOUSE_AI_PRICE_GPT_4_1_MINI="0.40,1.60")
    assert run.returncode == 0, run.stderr
    assert "s3cret" not in run.stdout
    shown = json.loads(run.stdout)
    process = {s["name"]: (s["value"], s["source"]) for s in shown["process"]}
    assert process["PILOTHOUSE_TOKEN"] == ("********", "env") and process["PILOTHOUSE_PORT"] == (9000, "env")
    assert process["PILOTHOUSE_RETENTION_DAYS"] == (90, "default")
    assert process["PILOTHOUSE_AI_PRICE_GPT_4_1_MINI"] == ("0.40,1.60", "env")
    declared = {settings.variable(f) for f in settings.ProcessSettings.model_fields}
    assert declared <= set(process)
    modules = {s["name"]: (s["value"], s["source"]) for s in shown["modules"]}
    assert modules["email.smtp_host"] == ("mail.example.com", "env PILOTHOUSE_SMTP_HOST")
    assert modules["email.smtp_password"] == ("********", "env PILOTHOUSE_SMTP_PASSWORD")
    assert modules["orders.unpaid_cancel_days"] == (7, "default")


def test_a_variable_set_wrong_is_named_with_its_rule(tmp_path: Path) -> None:
    run = _config(tmp_path, PILOTHOUSE_PORT="eighty", PILOTHOUSE_TOKEN="x")
    assert run.returncode == 2
    assert "PILOTHOUSE_PORT='eighty': Input should be a valid integer" in run.stderr


def _reads_environment(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and \
                any(a.name in ("environ", "getenv") for a in node.names):
            lines.append(node.lineno)
    return lines


def test_nothing_else_reads_the_environment() -> None:
    stray = []
    for package in ("server", "skills", "modules", "pilothouse", "prompts"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative == "server/settings.py" or relative.startswith(HARNESS):
                continue
            stray += [f"{relative}:{n}" for n in _reads_environment(path)]
    assert not stray, ("read the variable through server/settings.py (declare it in ProcessSettings; a module "
                       "declares setting(env=...)):\n" + "\n".join(stray))


def test_every_variable_the_docs_name_is_declared() -> None:
    from modules import BUILTIN_MODULES

    known = {settings.variable(f) for f in settings.ProcessSettings.model_fields}
    known |= {name for m in BUILTIN_MODULES if m.settings for s in listing(m, None)
              if (name := env_of(m.settings, s.name)) is not None}
    known |= {"PILOTHOUSE_TEST_DB", "PILOTHOUSE_TEST_PG"}  # the test harness's
    docs = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "ARCHITECTURE.md", *(ROOT / "docs").glob("*.md")]
    named = {v for doc in docs for v in re.findall(r"PILOTHOUSE_[A-Z0-9_]*[A-Z0-9]", doc.read_text())}
    unknown = sorted(v for v in named - known if not any(f"{v}_".startswith(p) for p in settings.FAMILIES))
    assert not unknown, f"documented but not declared in server/settings.py: {unknown}"
