"""A tools/call through the real MCP client is one trace: the SDK's server span, then the executor's."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator

import pytest
from mcp import Client

from server.app import App
from server.assembly import open_app
from server.mcp.surface import Surface
from server.telemetry import logs
from server.testing import FakeClock, McpHarness
from tests.resilience import flaky
from tests.telemetry.conftest import Collector, children

pytestmark = pytest.mark.anyio


async def test_a_tools_call_nests_the_executor_span_under_the_sdk_span(mcp: McpHarness, otlp: Collector) -> None:
    lead = await mcp.call("crm_create_lead", email="ada@example.com", source="referral")
    assert "nope" in await mcp.error("crm_create_lead", email="nope")  # invalid: refused by validation

    spans = await otlp.spans()
    assert otlp.service == "pilothouse-test"  # OTEL_SERVICE_NAME
    [ok, refused] = [s for s in spans if s.name == "call crm_create_lead"]
    server = next(s for s in spans if s.span_id == ok.parent)
    assert server.name == "tools/call crm_create_lead" and server.attributes["mcp.method.name"] == "tools/call"
    assert ok.trace_id == server.trace_id and children(spans, ok) == []
    assert ok.attributes == {
        "pilothouse.skill": "crm_create_lead", "pilothouse.module": "crm", "pilothouse.caller": "mcp",
        "gen_ai.tool.name": "crm_create_lead", "gen_ai.operation.name": "execute_tool",
        "pilothouse.outcome": "success", "pilothouse.retries": 0, "pilothouse.trust": "auto",
        "pilothouse.trust.decision": "allowed", "pilothouse.breaker.state": "closed",
        "pilothouse.activity.id": ok.attributes["pilothouse.activity.id"]} | (
        {"user.id": ok.attributes["user.id"]} if "user.id" in ok.attributes else {})
    assert not ok.error and lead["email"] == "ada@example.com"
    assert refused.error and refused.attributes["error.type"] == "validation"
    assert refused.trace_id != ok.trace_id  # each tools/call its own trace
    # Never the arguments, nor what the skill answered.
    exported = json.dumps([(s.attributes, s.events) for s in spans])
    assert "ada@example.com" not in exported and "referral" not in exported and "nope" not in exported

    metrics = await otlp.metrics()
    calls = {(a["pilothouse.skill"], a["pilothouse.outcome"], a["error.type"]): v
             for a, v in metrics["pilothouse.calls"]}
    assert calls[("crm_create_lead", "success", "")] == 1 and calls[("crm_create_lead", "neutral", "validation")] == 1
    [(latency, count)] = metrics["pilothouse.call.duration"]
    assert latency == {"pilothouse.skill": "crm_create_lead"} and count == 2


@pytest.fixture
async def flaky_mcp(clock: FakeClock) -> AsyncIterator[tuple[App, McpHarness]]:
    """An instance with the resilience tests' scripted module (its skills fail as told)."""
    flaky.reset()
    async with open_app(":memory:", modules=[flaky.module], clock=clock, retry_delay_s=0) as app:
        async with Client(Surface(app).server, raise_exceptions=True) as client:
            yield app, McpHarness(client)


async def test_a_breaker_opened_and_a_skill_paused_by_failing_calls_are_counted(
    flaky_mcp: tuple[App, McpHarness], otlp: Collector
) -> None:
    app, mcp = flaky_mcp
    for _ in range(3):  # a hard gate (auth_failed), three calls in a row: the breaker opens, the skill pauses
        flaky.SCRIPT["flaky_sync"] = ["auth_failed"] * 3
        assert "auth_failed" in await mcp.error("flaky_sync")
    row = await app.store.fetchone("SELECT s.paused_reason, st.breaker FROM skills s JOIN skill_state st "
                                   "ON st.skill = s.name WHERE s.name = 'flaky_sync'")
    assert row is not None and row["breaker"] == "open" and row["paused_reason"]
    assert "paused" in await mcp.error("flaky_sync")  # refused: changes nothing, counts nothing

    spans = [s for s in await otlp.spans() if s.name == "call flaky_sync"]
    assert [s.attributes["pilothouse.breaker.state"] for s in spans] == ["closed", "closed", "open", "open"]
    assert [s.attributes["error.type"] for s in spans] == ["auth_failed"] * 3 + ["skill_paused"]
    metrics = await otlp.metrics()
    assert metrics["pilothouse.breaker.opens"] == [({"pilothouse.skill": "flaky_sync"}, 1)]
    assert metrics["pilothouse.skill.auto_pauses"] == [({"pilothouse.skill": "flaky_sync"}, 1)]


async def test_log_lines_carry_the_trace_and_span_ids(otlp: Collector) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    logs.install()  # on the handlers the root logger has (from_env did it for those present then)
    try:
        with otlp.active.tracer.start_as_current_span("work") as span:
            logging.getLogger("server.test").warning("inside")
        logging.getLogger("server.test").warning("outside")
    finally:
        logs.uninstall()
        logging.getLogger().removeHandler(handler)
    context = span.get_span_context()
    assert stream.getvalue().splitlines() == [
        f"WARNING inside trace_id={context.trace_id:032x} span_id={context.span_id:016x}", "WARNING outside"]
    assert handler.formatter is not None and handler.formatter._fmt == "%(levelname)s %(message)s"  # put back
