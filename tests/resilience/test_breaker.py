"""Layer 1: the per-skill circuit breaker, with a half-open probe and a doubling cooldown."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from server.app import App
from server.assembly import open_app
from server.testing import FakeClock, McpHarness
from tests.resilience import flaky

pytestmark = pytest.mark.anyio


async def _fail_calls(fmcp: McpHarness, n: int, kind: str = "http_5xx") -> None:
    for _ in range(n):
        flaky.SCRIPT["flaky_sync"] = [kind] * 3
        await fmcp.error("flaky_sync")


async def test_opens_after_three_failed_calls_not_three_attempts(fapp: App, fmcp: McpHarness) -> None:
    await _fail_calls(fmcp, 1)  # one call, three attempts
    state = await fapp.store.fetchone("SELECT * FROM skill_state WHERE skill = 'flaky_sync'")
    assert state is not None
    assert (state["consecutive_failures"], state["breaker"]) == (1, "closed")
    await _fail_calls(fmcp, 2)
    seen = len(flaky.SEEN)
    message = await fmcp.error("flaky_sync")
    assert message.startswith("circuit_broken:") and "2026-11-02T09:05:00+00:00" in message
    assert len(flaky.SEEN) == seen  # the handler was not reached


async def test_half_open_probe_closes_on_success(fapp: App, fmcp: McpHarness, clock: FakeClock) -> None:
    await _fail_calls(fmcp, 3)
    clock.advance(minutes=5)
    assert (await fmcp.call("flaky_sync"))["attempt"] == 0
    state = await fapp.store.fetchone("SELECT breaker, consecutive_failures FROM skill_state")
    assert state is not None
    assert (state["breaker"], state["consecutive_failures"]) == ("closed", 0)
    await fmcp.call("flaky_sync")


async def test_failed_probe_doubles_the_cooldown_up_to_an_hour(fapp: App, fmcp: McpHarness, clock: FakeClock) -> None:
    await _fail_calls(fmcp, 3)
    cooldowns = []
    for _ in range(6):
        row = await fapp.store.fetchone("SELECT cooldown_s FROM skill_state")
        assert row is not None
        cooldowns.append(row["cooldown_s"])
        clock.advance(seconds=row["cooldown_s"])
        await _fail_calls(fmcp, 1, kind="network")  # the probe fails
    assert cooldowns == [300, 600, 1200, 2400, 3600, 3600]


async def test_exactly_one_probe_while_half_open(fapp: App, clock: FakeClock) -> None:
    for _ in range(3):
        flaky.SCRIPT["flaky_sync"] = ["auth_failed"]
        await fapp.executor.call("flaky_sync", {}, caller="cli")
    await fapp.store.execute("UPDATE skills SET enabled = 1, paused_reason = NULL")  # keep only the breaker
    clock.advance(minutes=5)
    flaky.SEEN.clear()
    flaky.SCRIPT["flaky_sync"] = ["auth_failed"]
    results = await asyncio.gather(*(fapp.executor.call("flaky_sync", {}, caller="mcp") for _ in range(8)))
    assert len(flaky.SEEN) == 1
    assert sum(r.error_kind == "circuit_broken" for r in results) == 7


async def test_breaker_state_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "breaker.db"
    async with open_app(db, modules=[flaky.module], clock=clock, retry_delay_s=0) as app:
        for _ in range(3):
            flaky.SCRIPT["flaky_sync"] = ["network"] * 3
            await app.executor.call("flaky_sync", {}, caller="cli")
    async with open_app(db, modules=[flaky.module], clock=clock, retry_delay_s=0) as app:
        result = await app.executor.call("flaky_sync", {}, caller="cli")
        assert result.error_kind == "circuit_broken"


async def test_concurrent_failures_keep_the_count_consistent(fapp: App) -> None:
    flaky.SCRIPT["flaky_sync"] = ["http_4xx"] * 2
    await asyncio.gather(*(fapp.executor.call("flaky_sync", {"target": str(i)}, caller="mcp") for i in range(2)))
    state = await fapp.store.fetchone("SELECT consecutive_failures, breaker FROM skill_state")
    assert state is not None
    assert (state["consecutive_failures"], state["breaker"]) == (2, "closed")


async def _state(app: App) -> dict[str, Any]:
    row = await app.store.fetchone("SELECT * FROM skill_state WHERE skill = 'flaky_remote'")
    assert row is not None
    return row


async def test_a_success_that_finishes_after_a_concurrent_failure_ends_the_streak(fapp: App) -> None:
    # A reads a clean state and starts; B fails meanwhile; A then succeeds. The last result is a
    # success, so the failure streak is 0 (a copy of the state taken before A ran would say 1).
    flaky.SCRIPT["flaky_remote"] = ["hold:a:ok", "http_4xx"]
    entered, release = flaky.gate("a")
    slow = asyncio.create_task(fapp.executor.call("flaky_remote", {"key": "a"}, caller="mcp"))
    await entered.wait()
    assert (await fapp.executor.call("flaky_remote", {"key": "b"}, caller="mcp")).error_kind == "http_4xx"
    assert (await _state(fapp))["consecutive_failures"] == 1
    release.set()
    assert (await slow).ok
    assert (await _state(fapp))["consecutive_failures"] == 0


async def test_many_concurrent_failures_open_the_breaker_once(fapp: App, clock: FakeClock) -> None:
    flaky.SCRIPT["flaky_remote"] = ["http_4xx"] * 12
    results = await asyncio.gather(
        *(fapp.executor.call("flaky_remote", {"key": str(i)}, caller="mcp") for i in range(12)))
    failed = sum(r.error_kind == "http_4xx" for r in results)
    refused = sum(r.error_kind == "circuit_broken" for r in results)
    assert failed >= 3 and failed + refused == 12
    state = await _state(fapp)
    assert state["consecutive_failures"] == failed  # every counted failure, none twice, none lost
    assert (state["breaker"], state["cooldown_s"]) == ("open", 300)  # opened once: not doubled by late failures
    assert state["open_until"] == "2026-11-02T09:05:00+00:00"
    logged = await fapp.store.fetchval("SELECT COUNT(*) FROM activity WHERE skill = 'flaky_remote'")
    assert logged == 12


async def test_a_late_failure_while_half_open_leaves_the_probe_in_charge(fapp: App, clock: FakeClock) -> None:
    # "old" was admitted while the breaker was closed and fails after the probe started: it is
    # counted, but only the probe decides whether the breaker closes or re-opens (doubled).
    flaky.SCRIPT["flaky_remote"] = ["hold:old:http_4xx", "http_4xx", "http_4xx", "http_4xx", "hold:probe:ok"]
    old_entered, old_release = flaky.gate("old")
    old = asyncio.create_task(fapp.executor.call("flaky_remote", {"key": "old"}, caller="mcp"))
    await old_entered.wait()
    for i in range(3):
        await fapp.executor.call("flaky_remote", {"key": str(i)}, caller="mcp")
    assert (await _state(fapp))["breaker"] == "open"
    clock.advance(minutes=5)
    probe_entered, probe_release = flaky.gate("probe")
    probe = asyncio.create_task(fapp.executor.call("flaky_remote", {"key": "p"}, caller="mcp"))
    await probe_entered.wait()
    old_release.set()
    assert (await old).error_kind == "http_4xx"
    state = await _state(fapp)
    assert (state["breaker"], state["cooldown_s"], state["consecutive_failures"]) == ("half_open", 300, 4)
    refused = await fapp.executor.call("flaky_remote", {"key": "q"}, caller="mcp")
    assert "one trial call is in flight" in refused.message
    probe_release.set()
    assert (await probe).ok
    state = await _state(fapp)
    assert (state["breaker"], state["consecutive_failures"], state["cooldown_s"]) == ("closed", 0, 0)


async def test_a_probe_refused_for_its_input_lets_the_next_call_probe(fapp: App, clock: FakeClock) -> None:
    flaky.SCRIPT["flaky_remote"] = ["http_5xx"] * 9 + ["fail", "ok"]
    for i in range(3):
        await fapp.executor.call("flaky_remote", {"key": str(i)}, caller="mcp")
    clock.advance(minutes=5)
    first = await fapp.executor.call("flaky_remote", {"key": "bad"}, caller="mcp")
    assert first.error_kind == "validation"  # says nothing about the remote: no verdict
    assert (await _state(fapp))["breaker"] == "open"
    second = await fapp.executor.call("flaky_remote", {"key": "good"}, caller="mcp")
    assert second.ok  # the next call became the probe at once, not after the 10 min stale-probe delay
    assert (await _state(fapp))["breaker"] == "closed"


async def test_the_refusal_says_when_the_skill_is_tried_again(fapp: App, fmcp: McpHarness,
                                                              clock: FakeClock) -> None:
    await _fail_calls(fmcp, 3, kind="network")
    clock.advance(minutes=2)
    message = await fmcp.error("flaky_sync")
    assert "until 2026-11-02T09:05:00+00:00 (in 3 min 0 s)" in message
    assert "one probe call" in message


async def test_one_probe_over_mcp_while_other_clients_call_at_once(fapp: App, fmcp: McpHarness,
                                                                   clock: FakeClock) -> None:
    flaky.SCRIPT["flaky_remote"] = ["http_4xx"] * 3 + ["hold:probe:ok"]
    for i in range(3):
        await fmcp.error("flaky_remote", key=str(i))
    clock.advance(minutes=5)
    entered, release = flaky.gate("probe")
    probe = asyncio.create_task(fmcp.call("flaky_remote", key="probe"))
    await entered.wait()
    messages = await asyncio.gather(*(fmcp.error("flaky_remote", key=f"c{i}") for i in range(6)))
    assert all("one trial call is in flight" in m for m in messages)
    release.set()
    assert (await probe)["attempt"] == 0
    assert len([s for s in flaky.SEEN if s[0] == "flaky_remote"]) == 4  # 3 failures + the probe, nothing else
    assert (await fmcp.call("flaky_remote", key="after"))["attempt"] == 0
