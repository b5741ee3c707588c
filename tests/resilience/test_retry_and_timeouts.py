"""Layer 2 (recovery) and per-skill timeouts."""

from __future__ import annotations

import json

import pytest

from server.app import App
from server.testing import McpHarness
from tests.resilience import flaky

pytestmark = pytest.mark.anyio


async def test_retryable_failures_retry_twice_passing_retry_and_prev_error(fapp: App, fmcp: McpHarness) -> None:
    flaky.SCRIPT["flaky_sync"] = ["http_5xx", "retry"]
    result = await fmcp.call("flaky_sync")
    assert result == {"attempt": 2, "prev_error": "the remote said: try a smaller page"}
    assert [(r, e) for _, r, e in flaky.SEEN] == [
        (0, None), (1, "remote failed with http_5xx"), (2, "the remote said: try a smaller page")]
    row = await fapp.store.fetchone("SELECT status, attempts, input FROM activity WHERE skill = 'flaky_sync'")
    assert row is not None
    assert row["status"] == "ok" and row["attempts"] == 3
    assert json.loads(row["input"])["_retry"] == 2


@pytest.mark.parametrize("kind", ["quota_hit", "auth_failed", "http_4xx"])
async def test_never_retried(fapp: App, fmcp: McpHarness, kind: str) -> None:
    flaky.SCRIPT["flaky_sync"] = [kind, kind]
    await fmcp.error("flaky_sync")
    assert len(flaky.SEEN) == 1
    row = await fapp.store.fetchone("SELECT error_kind, attempts FROM activity WHERE skill = 'flaky_sync'")
    assert row is not None
    assert (row["error_kind"], row["attempts"]) == (kind, 1)


async def test_terminal_failures_are_not_retried_and_roll_back(fapp: App, fmcp: McpHarness) -> None:
    flaky.SCRIPT["flaky_sync"] = ["fail"]
    message = await fmcp.error("flaky_sync")
    assert "impossible" in message and len(flaky.SEEN) == 1
    assert await fapp.store.fetchval("SELECT COUNT(*) FROM flaky_calls") == 0  # the insert was rolled back


async def test_timeout_is_enforced_per_skill_retried_and_rolled_back(fapp: App, fmcp: McpHarness) -> None:
    flaky.SCRIPT["flaky_send"] = ["slow", "slow", "slow"]
    message = await fmcp.error("flaky_send")
    assert "did not finish within 0.05 s" in message
    row = await fapp.store.fetchone("SELECT error_kind, attempts, outcome FROM activity WHERE skill = 'flaky_send'")
    assert row is not None
    assert (row["error_kind"], row["attempts"], row["outcome"]) == ("timeout", 3, "negative")
    assert await fapp.store.fetchval("SELECT COUNT(*) FROM flaky_calls") == 0
    assert fapp.registry.skills["flaky_sync"].timeout_s == 30.0  # the default


async def test_secrets_are_redacted_in_the_activity_log(fapp: App, fmcp: McpHarness) -> None:
    await fmcp.call("flaky_sync", api_key="sk-live-123")
    stored = await fapp.store.fetchval("SELECT input FROM activity WHERE skill = 'flaky_sync'")
    assert "sk-live-123" not in stored and json.loads(stored)["api_key"] == "[redacted]"
