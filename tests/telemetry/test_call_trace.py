"""A tools/call through the real MCP client is one trace: the SDK's server span, then the executor's."""

from __future__ import annotations

import json

import pytest

from server.testing import McpHarness
from tests.telemetry.conftest import Collector, children, one

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


async def test_a_failing_skill_that_opens_its_breaker_is_counted(mcp: McpHarness, otlp: Collector) -> None:
    pass
