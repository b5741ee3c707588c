"""Signed webhooks to a real HTTP server on 127.0.0.1: signatures, classification, nothing lost.

The receiver is on loopback, which webhooks refuse unless the operator allows private targets:
these tests allow them (``allow_private``), tests/modules/test_webhook_targets.py checks the refusal.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from modules.webhooks.signing import verify
from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server.app import App
from server.testing import FakeClock, McpHarness, http_receiver

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
    # The reference Standard Webhooks library verifies the POST with the secret as given.
    assert Webhook(endpoint["secret"]).verify(request.body, request.headers)["event"] == "lead.created"
    assert request.headers["webhook-id"].startswith("msg_") and request.headers["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 32).verify(request.body, request.headers)
    assert verify(endpoint["secret"], request.headers, request.body)
    assert not verify(endpoint["secret"], request.headers, request.body + b" ")
    assert b'"email":"ada@acme.io"' in request.body
    listed = await mcp.call("webhooks_list_endpoints")
    assert "secret" not in listed["items"][0] and listed["items"][0]["events"] == ["lead.*"]


async def test_failures_are_classified_kept_and_redelivered(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    async with http_receiver() as receiver:
        endpoint = await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/h", events=["*"])
        await mcp.call("crm_create_lead", email="x@acme.io")
        receiver.answers = [500]
        report = await mcp.call("webhooks_dispatch_events")  # the receiver's failure, not the run's
        assert (report["retrying"], report["endpoints_failing"]) == (1, [endpoint["id"]])
        [pending] = (await mcp.call("webhooks_list_deliveries", status="pending"))["items"]
        # One run is one attempt: the executor does not resend on the spot, the delivery waits its backoff.
        assert (pending["status_code"], pending["error_kind"], pending["attempts"]) == (500, "http_5xx", 1)
        [listed] = (await mcp.call("webhooks_list_endpoints"))["items"]
        assert (listed["state"], listed["failures"], listed["last_error"]) == ("open", 1, "http_5xx: HTTP 500")
        assert listed["retry_at"] == (clock.now() + timedelta(minutes=1)).isoformat(timespec="seconds")
        assert (await mcp.call("webhooks_dispatch_events"))["delivered"] == 0 and len(receiver.requests) == 1
        clock.advance(minutes=1)
        receiver.answers = [401]
        assert (await mcp.call("webhooks_dispatch_events"))["retrying"] == 1  # a refusal is kept on its schedule
        clock.advance(minutes=2)
        receiver.answers = [404]
        # A 404 is permanent for the delivery (no more automatic attempts): a dead letter, with its reason.
        assert (await mcp.call("webhooks_dispatch_events"))["failed"] == 1
        [failed] = (await mcp.call("webhooks_list_deliveries", status="failed"))["items"]
        assert failed["error_kind"] == "http_4xx" and failed["attempts"] == 3
        again = await mcp.call("webhooks_redeliver", delivery_id=failed["id"])
        assert again["status"] == "pending"
        assert "already queued" in await mcp.error("webhooks_redeliver", delivery_id=failed["id"])
        assert (await mcp.call("webhooks_dispatch_events"))["delivered"] == 1  # at once: a person asked for it
        [listed] = (await mcp.call("webhooks_list_endpoints"))["items"]
        assert (listed["state"], listed["failures"]) == ("healthy", 0)
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == 4 and len(ids) == 1  # every attempt carried the delivery's one id
    assert "no delivery #99" in await mcp.error("webhooks_redeliver", delivery_id=99)
    runs = await app.store.fetchall("SELECT status FROM activity WHERE skill = 'webhooks_dispatch_events'")
    assert {r["status"] for r in runs} == {"ok"}  # no breaker opened, nothing paused the dispatcher


async def test_disabled_endpoint_keeps_its_queue(mcp: McpHarness) -> None:
    async with http_receiver() as receiver:
        endpoint = await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/h", events=["post.created"])
        await mcp.call("webhooks_set_endpoint_enabled", endpoint_id=endpoint["id"], enabled=False)
        await mcp.call("blog_create_post", title="Queued while paused")
        assert (await mcp.call("webhooks_dispatch_events"))["queued"] == 0
        await mcp.call("webhooks_set_endpoint_enabled", endpoint_id=endpoint["id"], enabled=True)
        assert (await mcp.call("webhooks_dispatch_events"))["delivered"] == 1
    assert "no webhook endpoint #42" in await mcp.error("webhooks_set_endpoint_enabled", endpoint_id=42, enabled=True)
