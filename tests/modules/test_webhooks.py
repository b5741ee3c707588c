"""Signed webhooks to a real HTTP server on 127.0.0.1: signatures, classification, nothing lost.

The receiver is on loopback, which webhooks refuse unless the operator allows private targets:
these tests allow them (``allow_private``), tests/modules/test_webhook_targets.py checks the refusal.
"""

from __future__ import annotations

import pytest

from modules.webhooks.signing import HEADER, verify
from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server.app import App
from server.testing import McpHarness, http_receiver

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("allow_private")]


@pytest.fixture
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


async def test_events_are_posted_signed_and_filtered(mcp: McpHarness) -> None:
    await mcp.call("crm_create_lead", email="before@acme.io")  # before the endpoint: not sent
    async with http_receiver() as receiver:
        endpoint = await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/hooks", events=["lead.*"])
        assert endpoint["secret"].startswith("whsec_")
        await mcp.call("crm_create_lead", email="ada@acme.io")
        await mcp.call("blog_create_post", title="Not a lead event")
        report = await mcp.call("webhooks_dispatch_events")
        assert (report["queued"], report["delivered"]) == (1, 1)
        [request] = receiver.requests
    assert request.path == "/hooks" and request.headers["x-pilothouse-event"] == "lead.created"
    assert verify(endpoint["secret"], request.headers[HEADER.lower()], request.body)
    assert not verify("whsec_wrong", request.headers[HEADER.lower()], request.body)
    assert b'"email":"ada@acme.io"' in request.body
    listed = await mcp.call("webhooks_list_endpoints")
    assert "secret" not in listed["items"][0] and listed["items"][0]["events"] == ["lead.*"]


async def test_failures_are_classified_kept_and_redelivered(app: App, mcp: McpHarness) -> None:
    async with http_receiver() as receiver:
        await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/h", events=["*"])
        await mcp.call("crm_create_lead", email="x@acme.io")
        receiver.answers = [500, 500, 500]  # the call and its two retries
        assert "http_5xx" in await mcp.error("webhooks_dispatch_events")
        [pending] = (await mcp.call("webhooks_list_deliveries", status="pending"))["items"]
        assert (pending["status_code"], pending["error_kind"], pending["attempts"]) == (500, "http_5xx", 3)
        receiver.answers = [401]
        assert "auth_failed" in await mcp.error("webhooks_dispatch_events")
        receiver.answers = [404]
        report = await mcp.call("webhooks_dispatch_events")
        assert report["failed"] == 1  # a 404 is permanent: no more automatic attempts
        [failed] = (await mcp.call("webhooks_list_deliveries", status="failed"))["items"]
        assert failed["error_kind"] == "http_4xx"
        again = await mcp.call("webhooks_redeliver", delivery_id=failed["id"])
        assert again["status"] == "pending"
        assert "already queued" in await mcp.error("webhooks_redeliver", delivery_id=failed["id"])
        assert (await mcp.call("webhooks_dispatch_events"))["delivered"] == 1
    assert "no delivery #99" in await mcp.error("webhooks_redeliver", delivery_id=99)


async def test_disabled_endpoint_keeps_its_queue(mcp: McpHarness) -> None:
    async with http_receiver() as receiver:
        endpoint = await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/h", events=["post.created"])
        await mcp.call("webhooks_set_endpoint_enabled", endpoint_id=endpoint["id"], enabled=False)
        await mcp.call("blog_create_post", title="Queued while paused")
        assert (await mcp.call("webhooks_dispatch_events"))["queued"] == 0
        await mcp.call("webhooks_set_endpoint_enabled", endpoint_id=endpoint["id"], enabled=True)
        assert (await mcp.call("webhooks_dispatch_events"))["delivered"] == 1
    assert "no webhook endpoint #42" in await mcp.error("webhooks_set_endpoint_enabled", endpoint_id=42, enabled=True)
