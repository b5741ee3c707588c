"""The edges: a clean SIGTERM, a one-line error when the disk is full at start-up, reads that still
answer on a full disk, and a template renderer that stays linear on a crafted template."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from server.app import App
from server.scheduler.templating import TemplateError, render
from server.store import Store
from server.testing import McpHarness, free_port

PILOTHOUSE = str(Path(sys.executable).with_name("pilothouse"))
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals and resource limits are POSIX")


def finishes(work: object, seconds: float = 20.0) -> bool:
    """Whether ``work()`` returns (or raises) within ``seconds``: the bound a cubic pattern blows through."""
    done = threading.Event()

    def run() -> None:
        try:
            work()  # type: ignore[operator]
        except TemplateError:
            pass
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(seconds)


def test_a_crafted_template_renders_in_linear_time() -> None:
    # 86 s for n = 4,000 with the old pattern (cubic); 20,000 would take hours.
    crafted = "{{" + " " * 20_000 + "x"
    assert finishes(lambda: render(crafted, {}))
    assert finishes(lambda: render("{{ " * 20_000, {}))
    assert render(crafted, {}) == crafted  # no placeholder in it: left as it is
    assert render("id {{ event.id }} of {{{event.id}}}", {"event": {"id": 7}}) == "id 7 of {7}"
    assert render(" {{ event.id }} ", {"event": {"id": 7}}) == 7  # a whole placeholder keeps its type


def wait_for(process: subprocess.Popen[str], marker: str) -> list[str]:
    """stderr lines up to the one containing ``marker`` (the server printed it: it is ready)."""
    seen: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"the server ended before printing {marker!r}: {''.join(seen)}")


@posix_only
def test_sigterm_stops_the_http_server_cleanly(tmp_path: Path) -> None:
    process = subprocess.Popen([PILOTHOUSE, "--db", str(tmp_path / "p.db"), "serve", "--http", "--port",
                                str(free_port())], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(process, "MCP at")  # printed once the signals are listened to
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert process.stderr is not None
        rest = process.stderr.read()
    finally:
        process.kill()
        process.wait()
    assert "received SIGTERM" in rest
    assert "Traceback" not in rest and "ERROR" not in rest, rest


def limit_file_size() -> None:  # in the child: any file it writes stops at 200 KB, as on a full disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


@posix_only
def test_a_full_disk_at_start_up_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run([PILOTHOUSE, "--db", str(tmp_path / "p.db"), "modules", "list"], capture_output=True,
                          text=True, preexec_fn=limit_file_size, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("pilothouse: cannot open the database") and "free some space" in done.stderr


async def fill_the_disk(app: App) -> None:
    """Cap the database at its current size on both of the store's connections, then fill every page."""
    pages = int(await app.store.fetchval("PRAGMA page_count"))
    await app.store.execute(f"PRAGMA max_page_count = {pages}")
    assert isinstance(app.store, Store), "a full disk is a SQLite file's condition"
    side = app.store._side  # the loop-thread connection writes activity rows too: it gets the same cap
    assert side is not None
    side.conn.execute(f"PRAGMA max_page_count = {pages}")
    for size in (4000, 400, 40, 1):
        while True:
            try:
                await app.store.execute("INSERT INTO activity (ts, caller, skill, status, outcome, input) VALUES "
                                        "('0', 'system', 'filler', 'ok', 'neutral', ?)", ("x" * size,))
            except Exception as exc:
                assert "full" in str(exc)
                break


@pytest.mark.anyio
@pytest.mark.sqlite_only(reason="fills a SQLite file's pages")
async def test_reads_answer_on_a_full_disk_and_say_the_row_was_not_written(app: App, mcp: McpHarness) -> None:
    lead = await mcp.call("crm_create_lead", email="ada@acme.io")
    await fill_the_disk(app)
    result = await mcp.client.call_tool("crm_get_lead", {"lead_id": lead["id"]})
    assert not result.is_error and result.structured_content is not None
    assert result.structured_content["email"] == "ada@acme.io"
    assert "activity row could not be written" in result.content[-1].text  # type: ignore[union-attr]
    refused = await mcp.error("crm_get_lead", lead_id=0)  # a refusal still says why, and that it was not logged
    assert "an id (1 or more)" in refused and "could not be written" in refused
    failed = await mcp.error("crm_create_lead", email="grace@acme.io")
    assert "disk holding the database is full" in failed and "nothing was changed" in failed
