"""The container files, checked as far as this machine can without docker: the healthcheck command
runs against a real server, and the image runs as a non-root user with its database on a volume."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from server.testing import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def healthcheck_command() -> list[str]:
    match = re.search(r"HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])", DOCKERFILE)
    assert match, "the Dockerfile needs a HEALTHCHECK with an exec-form CMD"
    command: list[str] = json.loads(match.group(1))
    return [sys.executable if command[0] == "python" else command[0], *command[1:]]


def test_the_image_runs_unprivileged_with_the_database_on_a_volume() -> None:
    assert re.search(r"^USER (?!root)\w+", DOCKERFILE, re.M)
    assert 'VOLUME ["/data"]' in DOCKERFILE and "PILOTHOUSE_DB=/data/" in DOCKERFILE
    compose = (ROOT / "compose.yaml").read_text()
    assert "pilothouse-data:/data" in compose and "PILOTHOUSE_TOKEN" in compose


def test_the_healthcheck_passes_on_a_live_server_and_fails_without_one(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PILOTHOUSE_DB": str(tmp_path / "deploy.db"), "PILOTHOUSE_PORT": str(port),
           "PILOTHOUSE_TOKEN": "a-long-random-secret-for-the-test"}
    assert subprocess.run(healthcheck_command(), env=env, capture_output=True, timeout=30).returncode != 0
    # What the image's CMD runs, with the environment the Dockerfile sets (0.0.0.0 needs the token).
    proc = subprocess.Popen([sys.executable, "-m", "server.cli.main", "serve", "--http", "--host", "0.0.0.0"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.2).status_code == 200:
                    break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "exited"
        assert subprocess.run(healthcheck_command(), env=env, capture_output=True, timeout=30).returncode == 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
