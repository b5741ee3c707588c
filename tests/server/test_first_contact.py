"""Issue 31, story 6: first contact, as a new user meets it in a terminal.

The stories: `serve` in a terminal sat silent, with no word that it waits for an MCP host or where
the cockpit is; a port in use printed the URL and then a 40-line traceback; `skills show` promised
the schema but only `--json` had it; the README's figures (154 skills, 44,382 tokens) were stale.
"""

from __future__ import annotations

import os
import pty
import re
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from server.cli.main import main
from server.testing import free_port

README = Path(__file__).resolve().parents[2] / "README.md"
START_S = 90.0  # a bound on a loaded machine, not a wait: reading stops at the expected line


def _env(db: Path) -> dict[str, str]:
    env = {**os.environ, "PILOTHOUSE_DB": str(db)}
    env.pop("PILOTHOUSE_TIER", None)
    return env


@contextmanager
def _serve(db: Path, *args: str, terminal: bool) -> Iterator[subprocess.Popen[bytes]]:
    """`pilothouse serve` with stdin a terminal (a person typed the command) or a pipe (a host started it)."""
    primary, secondary = pty.openpty() if terminal else (None, subprocess.PIPE)
    proc = subprocess.Popen([sys.executable, "-m", "server.cli.main", "serve", *args], stdin=secondary,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(db))
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        if primary is not None:
            os.close(primary)
            os.close(secondary)


def _stderr_until(proc: subprocess.Popen[bytes], done: Callable[[str], bool]) -> list[str]:
    """stderr lines as they come, until one satisfies ``done`` (or the process ends)."""
    assert proc.stderr is not None
    lines: list[str] = []
    buffer = b""
    deadline = time.monotonic() + START_S
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(deadline - time.monotonic()):
                break
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            lines += [c.decode() for c in complete]
            if any(done(line) for line in lines):
                break
    return lines


def test_serve_on_a_terminal_says_it_waits_for_a_host_and_where_the_cockpit_is(tmp_path: Path) -> None:
    with _serve(tmp_path / "tty.db", terminal=True) as proc:
        lines = _stderr_until(proc, lambda line: "/cockpit" in line)
    said = [line for line in lines if "MCP host" in line or "/cockpit" in line]
    assert 1 <= len(said) <= 2, lines
    assert "waiting for an MCP host" in said[0] and "stdin" in said[0]
    assert "pilothouse serve --http" in said[-1] and "http://127.0.0.1:8765/cockpit" in said[-1]


def test_serve_started_by_a_host_keeps_quiet(tmp_path: Path) -> None:
    with _serve(tmp_path / "pipe.db", terminal=False) as proc:
        lines = _stderr_until(proc, lambda line: "tools/list tier" in line)
        proc.terminate()
        proc.wait(timeout=60)
        assert proc.stderr is not None
        lines += proc.stderr.read().decode().splitlines()
    assert not [line for line in lines if "MCP host" in line], lines


def test_serve_http_names_the_cockpit_url(tmp_path: Path) -> None:
    port = free_port()
    with _serve(tmp_path / "http.db", "--http", "--port", str(port), terminal=True) as proc:
        lines = _stderr_until(proc, lambda line: "/cockpit" in line)
        [said] = [line for line in lines if "/cockpit" in line]
        assert f"http://127.0.0.1:{port}/mcp" in said and f"http://127.0.0.1:{port}/cockpit" in said
        assert httpx.get(f"http://127.0.0.1:{port}/cockpit", timeout=30).status_code == 200


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "server.cli.main", "serve", "--http", "--port", str(port)],
                              env=_env(tmp_path / "busy.db"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"pilothouse: port {port} on 127.0.0.1 is already in use (another `pilothouse serve --http`?): stop it, "
        f"or choose another port with --port N (or PILOTHOUSE_PORT)"]


def test_skills_show_prints_the_parameters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "show.db"), "skills", "show", "invoicing_create_invoice"]) == 0
    out = capsys.readouterr().out
    assert "Parameters:" in out and "Returns:" in out
    assert re.search(r"^  customer_email +string, required +Where the invoice is sent\.$", out, re.M), out
    assert re.search(r"^  tax_rate_percent +number, default 0 +Tax rate of lines without their own", out, re.M), out
    assert re.search(r"^  lines +list of \{description, quantity, unit_price_cents, discount_percent, "
                     r"tax_rate_percent\}, required", out, re.M), out
    assert main(["--db", str(tmp_path / "show.db"), "skills", "show", "invoicing_send_invoice"]) == 0
    assert re.search(r"^  confirm +boolean, default false", capsys.readouterr().out, re.M)


def test_the_readme_figures_are_what_the_command_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README quotes `pilothouse manifest --sizes` on a fresh instance; this keeps the quote current."""
    text = README.read_text()
    marker = "$ pilothouse manifest --sizes\n"
    assert marker in text, "the README's tool budget section quotes the command's output"
    quoted = text[text.index(marker) + len(marker):].split("```")[0]
    assert main(["--db", str(tmp_path / "fresh.db"), "manifest", "--sizes"]) == 0
    printed = capsys.readouterr().out
    assert quoted == printed, f"README is stale; paste the command's output:\n{printed}"
    skills = int(re.search(r"(\d+) skills", printed).group(1))  # type: ignore[union-attr]
    assert f"{skills} skills" in text.split("## Tool budget tiers")[1].split("##")[0]
