"""The one executor: an activity row per call from every caller, errors classified once at the edge."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from server.app import App
from server.executor import Caller
from server.testing import McpHarness, free_port, http_receiver
from skills import ErrorKind, classify_http_status
from tests.resilience import flaky

pytestmark = pytest.mark.anyio


async def _last_row(app: App) -> dict[str, Any]:
    row = await app.store.fetchone("SELECT * FROM activity ORDER BY id DESC LIMIT 1")
    assert row is not None
    return row


async def test_every_caller_leaves_one_complete_activity_row(fapp: App, fmcp: McpHarness) -> None:
    await fmcp.call("flaky_sync", target="leads")
    callers: list[tuple[Caller, str | None]] = [("cli", None), ("pilot", "run-7"), ("automation", None)]
    for caller, run_id in callers:
        result = await fapp.executor.call("flaky_sync", {"target": "leads"}, caller=caller, run_id=run_id)
        assert result.ok and result.activity_id == (await _last_row(fapp))["id"]
    rows = await fapp.store.fetchall("SELECT * FROM activity WHERE skill = 'flaky_sync' ORDER BY id")
    assert [(r["caller"], r["run_id"]) for r in rows] == [
        ("mcp", None), ("cli", None), ("pilot", "run-7"), ("automation", None)]
    for row in rows:
        assert json.loads(row["input"]) == {"target": "leads"}
        assert json.loads(row["output_summary"]) == {"attempt": 0, "prev_error": None}
        assert (row["status"], row["outcome"], row["error_kind"], row["attempts"]) == ("ok", "success", None, 1)
        assert row["duration_ms"] > 0 and row["module_id"] == "flaky" and row["ts"].startswith("2026-11-02T09:00")

    flaky.SCRIPT["flaky_sync"] = ["http_4xx"]
    message = await fmcp.error("flaky_sync", target="leads")
    failed = await _last_row(fapp)
    assert (failed["status"], failed["error_kind"], failed["outcome"]) == ("error", "http_4xx", "negative")
    assert failed["error"] == message == "remote failed with http_4xx" and failed["output_summary"] is None


@pytest.mark.parametrize(("status", "kind", "attempts"), [
    (401, "auth_failed", 1), (402, "quota_hit", 1), (403, "http_403", 1), (404, "http_4xx", 1),
    (429, "rate_limited", 3), (503, "http_5xx", 3),
])
async def test_raise_for_status_is_classified_at_the_edge(
    fapp: App, status: int, kind: str, attempts: int
) -> None:
    async with http_receiver() as remote:
        remote.answers = [status] * 3
        result = await fapp.executor.call("flaky_remote", {"url": remote.url + "/items?api_key=k-123"}, caller="pilot")
    assert (result.error_kind, result.attempts) == (kind, attempts)
    assert len(remote.requests) == attempts  # only retryable kinds were tried again
    assert result.message.startswith(f"GET {remote.url}/items answered HTTP {status} ({kind})")
    assert "k-123" not in result.message  # the query string may carry a key: never echoed
    if status == 402:
        assert "insufficient_quota" in result.message  # the remote's own words, for the person reading


async def test_an_unreachable_remote_is_a_retried_network_error(fapp: App) -> None:
    result = await fapp.executor.call("flaky_remote", {"url": f"http://127.0.0.1:{free_port()}/"}, caller="cli")
    assert (result.error_kind, result.attempts) == ("network", 3)
    assert [r for _, r, _ in flaky.SEEN] == [0, 1, 2]
    assert flaky.SEEN[1][2] is not None and flaky.SEEN[1][2].startswith("network error")


@pytest.mark.parametrize(("status", "body", "kind"), [
    (429, '{"error": {"type": "insufficient_quota", "message": "You exceeded your current quota"}}', "quota_hit"),
    (429, '{"error": {"status": "RESOURCE_EXHAUSTED"}}', "quota_hit"),
    (429, "Too Many Requests, slow down", "rate_limited"),
    (401, "", "auth_failed"), (403, "forbidden", "http_403"), (408, "", "timeout"), (504, "", "timeout"),
    (500, "", "http_5xx"), (422, "", "http_4xx"),
])
def test_http_status_classification(status: int, body: str, kind: str) -> None:
    assert classify_http_status(status, body) == ErrorKind(kind)


async def test_a_retry_signal_never_retries_quota(fapp: App, fmcp: McpHarness) -> None:
    flaky.SCRIPT["flaky_sync"] = ["retry_quota", "ok"]
    assert "quota exhausted" in await fmcp.error("flaky_sync")
    assert len(flaky.SEEN) == 1
    assert (await _last_row(fapp))["error_kind"] == "quota_hit"


async def test_secrets_never_reach_the_log(fapp: App, fmcp: McpHarness) -> None:
    await fmcp.call("flaky_sync", api_key="sk-live-0123456789abcdef",
                    target="https://ada:hunter2@crm.example.com/api?Authorization=Bearer abcdefgh12345678")
    stored = (await _last_row(fapp))["input"]
    assert "0123456789abcdef" not in stored and "hunter2" not in stored and "abcdefgh12345678" not in stored
    assert json.loads(stored) == {"api_key": "[redacted]",
                                  "target": "https://ada:[redacted]@crm.example.com/api?Authorization=[redacted]"}
    # Through the executor API too, nested and whatever the key's spelling; counts are not secrets.
    from server.tables.activity import redact

    assert redact({"auth": {"clientSecret": "x", "API-KEY": "y", "max_tokens": 500}, "items": [{"password": "z"}]}) \
        == {"auth": {"clientSecret": "[redacted]", "API-KEY": "[redacted]", "max_tokens": 500},
            "items": [{"password": "[redacted]"}]}


def test_secrets_never_reach_a_result_summary() -> None:
    from server.tables.activity import summarize

    summary = summarize({"note": "use Bearer abcdefgh12345678", "ghp_0123456789abcdefghij": 1,
                         "rows": [{"password": "hunter2", "url": "https://ada:pw123@h.example/x"}]})
    assert "abcdefgh12345678" not in summary and "0123456789abcdefghij" not in summary
    assert "hunter2" not in summary and "pw123" not in summary
    assert json.loads(summary)["rows"] == [{"password": "[redacted]", "url": "https://ada:[redacted]@h.example/x"}]
    assert summarize("token sk-live-0123456789abcdef") == "token [redacted]"
    # A key past 64 characters (hostile input) is masked all the same, and not remembered.
    from server.tables.activity import _scan_key

    before = _scan_key.cache_info().currsize
    assert "[redacted]" in summarize({"ghp_" + "a" * 100: 1}) and "a" * 100 not in summarize({"ghp_" + "a" * 100: 1})
    assert _scan_key.cache_info().currsize == before


async def test_secrets_in_error_messages_are_redacted(fapp: App) -> None:
    url = f"http://ada:hunter2@127.0.0.1:{free_port()}/"
    result = await fapp.executor.call("flaky_remote", {"url": url}, caller="cli")
    assert result.error_kind == "network"
    row = await _last_row(fapp)
    assert "hunter2" not in row["error"] and "hunter2" not in row["input"]


async def test_waiting_for_the_write_lock_does_not_count_toward_the_timeout(fapp: App) -> None:
    # flaky_send may run 0.05 s. A transactional call holds the database longer than 3 x that first:
    # queueing behind it is not flaky_send's fault and must not become a (hard-gate) timeout.
    flaky.SCRIPT["flaky_sync"] = ["hold:writer:ok"]
    entered, release = flaky.gate("writer")
    writer = asyncio.create_task(fapp.executor.call("flaky_sync", {}, caller="automation"))
    queued = asyncio.create_task(fapp.executor.call("flaky_send", {}, caller="mcp"))
    await entered.wait()
    await asyncio.sleep(0.2)  # real time passes while flaky_send waits for the lock
    release.set()
    assert (await writer).ok
    result = await queued
    assert result.ok, result.message
    assert result.attempts == 1 and result.duration_ms >= 150  # it did wait, and was not retried
