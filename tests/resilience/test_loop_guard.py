"""Layer 1b: the same action three times in a row ends the run."""

from __future__ import annotations

import pytest

from server.app import App
from server.errors import LoopDetected
from server.resilience.loop_guard import LoopGuard, action_key
from tests.resilience import flaky

pytestmark = pytest.mark.anyio


def test_normalization_ignores_key_order_whitespace_and_retry_fields() -> None:
    a = action_key("s", {"b": 1, "a": " hello   world ", "_retry": 1})
    b = action_key("s", {"a": "hello world", "b": 1, "_prev_error": "x"})
    assert a == b != action_key("s", {"a": "hello world", "b": 2})


async def test_third_identical_call_raises_and_different_calls_reset(fapp: App) -> None:
    guard = LoopGuard()
    for args in ({"target": "a"}, {"target": "a"}, {"target": "b"}, {"target": "b"}):
        assert (await fapp.executor.call("flaky_sync", args, caller="pilot", run_id="r1", guard=guard)).ok
    with pytest.raises(LoopDetected, match="3 times in a row"):
        await fapp.executor.call("flaky_sync", {"target": " b "}, caller="pilot", run_id="r1", guard=guard)
    row = await fapp.store.fetchone("SELECT error_kind FROM activity ORDER BY id DESC LIMIT 1")
    assert row is not None
    assert row["error_kind"] == "loop_detected"


async def test_retries_count_toward_the_guard(fapp: App) -> None:
    guard = LoopGuard()
    flaky.SCRIPT["flaky_sync"] = ["network", "network", "network"]
    first = await fapp.executor.call("flaky_sync", {}, caller="pilot", run_id="r2", guard=guard)
    assert first.attempts == 3  # the call keeps its two retries
    with pytest.raises(LoopDetected):
        await fapp.executor.call("flaky_sync", {}, caller="pilot", run_id="r2", guard=guard)


async def test_repeating_a_refused_call_is_a_loop_too(fapp: App) -> None:
    # A paused skill refuses every call; an agent that keeps asking is looping all the same.
    await fapp.store.execute("UPDATE skills SET enabled = 0, paused_reason = 'test' WHERE name = 'flaky_sync'")
    guard = LoopGuard()
    for _ in range(2):
        result = await fapp.executor.call("flaky_sync", {"target": "a"}, caller="pilot", run_id="r3", guard=guard)
        assert result.error_kind == "skill_paused"
    with pytest.raises(LoopDetected):
        await fapp.executor.call("flaky_sync", {"target": "a"}, caller="pilot", run_id="r3", guard=guard)
    for _ in range(2):
        assert (await fapp.executor.call("flaky_nope", {}, caller="pilot", guard=guard)).error_kind == "unknown_skill"
    with pytest.raises(LoopDetected, match="flaky_nope"):
        await fapp.executor.call("flaky_nope", {}, caller="pilot", guard=guard)
    kinds = [r["error_kind"] for r in await fapp.store.fetchall("SELECT error_kind FROM activity ORDER BY id")]
    assert kinds == ["skill_paused", "skill_paused", "loop_detected", "unknown_skill", "unknown_skill",
                     "loop_detected"]


async def test_the_guard_belongs_to_one_run(fapp: App) -> None:
    first, second = LoopGuard(), LoopGuard()
    for guard in (first, first, second, second):
        assert (await fapp.executor.call("flaky_sync", {}, caller="pilot", guard=guard)).ok
    for _ in range(3):  # without a guard (MCP, CLI, automations) nothing is ended
        assert (await fapp.executor.call("flaky_sync", {}, caller="automation")).ok
