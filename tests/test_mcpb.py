"""The MCPB bundle's manifest (deploy/mcpb/manifest.json) says what the project is and how it starts.

CI builds, validates, packs, unpacks and starts the bundle with the real packer and the Inspector
(.ci/run); these checks catch a manifest that drifted from the project before that.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
MANIFEST = json.loads((ROOT / "deploy" / "mcpb" / "manifest.json").read_text())


def test_the_bundle_is_this_version_of_the_project_started_by_uv() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert MANIFEST["version"] == project["version"] and MANIFEST["name"] == project["name"]
    server = MANIFEST["server"]
    assert server["type"] == "uv" and (ROOT / server["entry_point"]).is_file()
    config = server["mcp_config"]
    assert config["command"] == "uv" and "${__dirname}" in config["args"]
    assert config["args"][-2:] == [project["name"], "serve"]  # the console script, over stdio


def test_every_setting_it_passes_is_asked_for_and_keys_are_kept_secret() -> None:
    asked = MANIFEST["user_config"]
    env = MANIFEST["server"]["mcp_config"]["env"]
    used = {m for v in env.values() for m in re.findall(r"\$\{user_config\.(\w+)\}", v)}
    assert used == set(asked) and "database" in asked
    assert all(asked[k].get("sensitive") for k in asked if k.endswith("_api_key"))
    assert not any(asked[k].get("required") for k in asked)  # it starts with none: the agent is opt-in
