"""deploy/: the systemd user unit and the compose services run commands the CLI really has, and give
in-flight work the time the scheduler's drain takes."""

from __future__ import annotations

import configparser
import json
import re
import shlex
from pathlib import Path

import pytest

from server.cli.main import build_parser
from server.scheduler.service import DRAIN_S

DEPLOY = Path(__file__).parents[2] / "deploy"


def _parses(argv: list[str]) -> str:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"the CLI does not accept {argv}")
    return str(args.command)


def test_the_systemd_unit_runs_a_worker_and_waits_for_the_drain() -> None:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    unit.read(DEPLOY / "systemd" / "pilothouse-worker.service")
    executable, *argv = shlex.split(unit["Service"]["ExecStart"])
    assert executable.endswith("/pilothouse") and _parses(argv) == "worker"
    assert int(unit["Service"]["TimeoutStopSec"]) > DRAIN_S
    assert unit["Install"]["WantedBy"] == "default.target"  # a user unit


def test_the_compose_services_run_real_commands_on_one_volume() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    commands = [json.loads(c) for c in re.findall(r"^\s+command: (\[.*\])$", text, re.MULTILINE)]
    assert [_parses(c) for c in commands] == ["worker", "serve"]
    assert text.count("- pilothouse-data:/data") == 2  # the worker and the server share the database
    assert [int(s) for s in re.findall(r"stop_grace_period: (\d+)s", text)] == [330, 330] and 330 > DRAIN_S
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert _parses(json.loads(re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)[0])) == "worker"
    assert "ENV PILOTHOUSE_DB=/data/pilothouse.db" in dockerfile
