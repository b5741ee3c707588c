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
    assert row["error_kind"] == "loop_detected"


async def test_retries_count_toward_the_guard(fapp: App) -> None:
    guard = LoopGuard()
    flaky.SCRIPT["flaky_sync"] = ["network", "network", "network"]
    first = await fapp.executor.call("flaky_sync", {}, caller="pilot", run_id="r2", guard=guard)
    assert first.attempts == 3  # the call keeps its two retries
    with pytest.raises(LoopDetected):
        await fapp.executor.call("flaky_sync", {}, caller="pilot", run_id="r2", guard=guard)
