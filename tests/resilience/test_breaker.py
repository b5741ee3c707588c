"""Layer 1: the per-skill circuit breaker, with a half-open probe and a doubling cooldown."""

from __future__ import annotations

import asyncio

import pytest

from server.app import App, open_app
from tests.resilience import flaky
from tests.support import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def _fail_calls(fmcp: McpHarness, n: int, kind: str = "http_5xx") -> None:
    for _ in range(n):
        flaky.SCRIPT["flaky_sync"] = [kind] * 3
        await fmcp.error("flaky_sync")


async def test_opens_after_three_failed_calls_not_three_attempts(fapp: App, fmcp: McpHarness) -> None:
    await _fail_calls(fmcp, 1)  # one call, three attempts
    state = await fapp.store.fetchone("SELECT * FROM skill_state WHERE skill = 'flaky_sync'")
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
    assert (state["breaker"], state["consecutive_failures"]) == ("closed", 0)
    await fmcp.call("flaky_sync")


async def test_failed_probe_doubles_the_cooldown_up_to_an_hour(fapp: App, fmcp: McpHarness, clock: FakeClock) -> None:
    await _fail_calls(fmcp, 3)
    cooldowns = []
    for _ in range(6):
        row = await fapp.store.fetchone("SELECT cooldown_s FROM skill_state")
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


async def test_breaker_state_survives_a_restart(tmp_path, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
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
    assert (state["consecutive_failures"], state["breaker"]) == (2, "closed")
