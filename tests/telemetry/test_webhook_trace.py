"""A webhook delivery carries ``traceparent``: the receiver's trace joins the call that sent it."""

from __future__ import annotations

import pytest

from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server.testing import McpHarness, http_receiver
from tests.telemetry.conftest import Collector, children, one

pytestmark = pytest.mark.anyio


async def test_a_delivery_is_a_client_span_and_its_traceparent(
    mcp: McpHarness, otlp: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")  # the receiver is on loopback
    async with http_receiver() as receiver:
        await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/hooks/T0/SECRET", events=["lead.*"])
        await mcp.call("crm_create_lead", email="ada@acme.io")
        receiver.answers = [503]
        assert (await mcp.call("webhooks_dispatch_events"))["retrying"] == 1  # kept for a retry
        [request] = receiver.requests

    spans = await otlp.spans()
    call = one(spans, "call webhooks_dispatch_events")
    [post] = children(spans, call)
    version, trace_id, span_id, flags = request.headers["traceparent"].split("-")
    assert (version, trace_id, span_id) == ("00", post.trace_id, post.span_id) and int(flags, 16) & 1  # sampled
    assert post.name == "POST" and post.kind == 3  # CLIENT
    assert post.attributes == {
        "http.request.method": "POST", "server.address": "127.0.0.1", "server.port": int(receiver.url.rsplit(":")[-1]),
        "url.scheme": "http", "pilothouse.delivery.message_id": request.headers["webhook-id"],
        "http.response.status_code": 503, "error.type": "503"}
    assert post.error and not any("SECRET" in str(s.attributes) for s in spans)  # never the path
    metrics = await otlp.metrics()
    assert metrics["pilothouse.http.deliveries"] == [
        ({"server.address": "127.0.0.1", "http.response.status_class": "5xx"}, 1)]
