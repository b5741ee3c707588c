"""The README's hand-operated examples, run as written after `seed-demo`: each returns data."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from server.cli.main import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def quick_start_calls() -> list[list[str]]:
    """The `pilothouse call ...` lines of the first shell block after the seed-demo line."""
    block = README[README.index("pilothouse seed-demo"):]
    block = block[:block.index("```")]
    calls = []
    for line in block.splitlines():
        command = re.sub(r"\s+#.*$", "", line).strip()
        if command.startswith(".venv/bin/pilothouse call "):
            calls.append(shlex.split(command)[1:])
    return calls


def test_the_quick_start_examples_return_data_after_seed_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "readme.db")
    assert main(["--db", db, "seed-demo"]) == 0
    calls = quick_start_calls()
    assert len(calls) >= 3
    for args in calls:
        capsys.readouterr()
        assert main(["--db", db, *args]) == 0, (args, capsys.readouterr().err)
        output = json.loads(capsys.readouterr().out)
        items = output.get("items", output.get("results", output.get("qualified")))
        assert items is None or items, f"{' '.join(args)} returned nothing after seed-demo: {output}"
