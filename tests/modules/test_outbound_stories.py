"""Issue 27's stories, from outside: one bad message, one slow receiver, mail with no mail server.

Real receivers on loopback (aiosmtpd, uvicorn), the real MCP client, a FakeClock.
"""

from __future__ import annotations

import asyncio
from email import message_from_bytes
from typing import Any

import anyio
import pytest
from aiosmtpd.controller import Controller

from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server import delivery_watch
from server.app import App
from server.cockpit.data import gather
from server.cockpit.render import page
from server.health.report import build_report
from server.testing import FakeClock, McpHarness, free_port, http_receiver, smtp_sink
from skills import outbox
from tests.modules.slow_receivers import holding_http

pytestmark = pytest.mark.anyio

INJECTED = "Hi\r\nBcc: v@example.com"


async def _configure(app: App, port: int) -> None:
    await app.modules.configure("email", {"smtp_host": "127.0.0.1", "smtp_port": port,
                                          "smtp_from": "shop@example.com"})


async def test_a_header_that_could_never_be_sent_fails_the_call_that_brought_it(app: App, mcp: McpHarness) -> None:
    refused = await mcp.error("email_send", confirm=True, to="ada@example.com", subject=INJECTED, body="Body")
    assert "'subject'" in refused and "line breaks (CR/LF)" in refused
    await mcp.call("email_create_template", name="welcome", subject="Welcome, {{first_name}}!", body="Hi.")
    refused = await mcp.error("email_send", confirm=True, to="ada@example.com", template="welcome",
                              values={"first_name": "Ada\nBcc: v@example.com"})
    assert "values.first_name (used in the subject) contains a line break" in refused
    assert "'subject'" in await mcp.error("newsletter_create_campaign", subject=INJECTED, body="Dear readers, news.")
    assert "'title'" in await mcp.error("webinars_schedule", title="Launch\r\nBcc: v@example.com",
                                        starts_at="2026-12-01T10:00:00+00:00", capacity=10)
    assert "'to'" in await mcp.error("email_send", confirm=True, to="ada@example.com\nBcc: v@example.com", subject="Hi",
                                     body="B")
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox") == 0  # nothing bad reached the queue


class RefusingSmtp:
    """An SMTP server that refuses some recipients for good (550), until told otherwise."""

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.messages: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


async def test_one_bad_message_is_dead_lettered_alone_and_the_rest_go_on(app: App, mcp: McpHarness,
                                                                         clock: FakeClock) -> None:
    handler = RefusingSmtp({"gone@example.com"})
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    await anyio.to_thread.run_sync(controller.start)
    try:
        await _configure(app, controller.port)
        await mcp.call("email_send", confirm=True, to="first@example.com", subject="First", body="Body")
        # A row an older version let in (a subject with CR/LF): it cannot be built, so it is dead-lettered alone.
        await app.store.execute(
            "INSERT INTO outbox (channel, recipient, subject, body, purpose, status, created_at, message_id) "
            "VALUES ('email', 'ada@example.com', ?, 'Body', 'legacy', 'pending', ?, 'legacy1')",
            (INJECTED, clock.now().isoformat(timespec="seconds")))
        await mcp.call("email_send", confirm=True, to="gone@example.com", subject="Refused", body="Body")
        await mcp.call("email_send", confirm=True, to="last@example.com", subject="Last", body="Body")
        report = await mcp.call("email_deliver_outbox")
        assert (report["sent"], report["failed"]) == (2, 2)
        dead = {r["subject"]: r for r in (await mcp.call("email_list_outbox", status="failed"))["items"]}
        assert dead[INJECTED]["error_kind"] == "validation" and "cannot be built" in dead[INJECTED]["last_error"]
        assert dead["Refused"]["error_kind"] == "http_4xx" and "550" in dead["Refused"]["last_error"]
        # Nothing is stuck behind them: later mail goes out, and the runs themselves never failed.
        await mcp.call("email_send", confirm=True, to="later@example.com", subject="Later", body="Body")
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1
        assert [str(m["Subject"]) for m in handler.messages] == ["First", "Last", "Later"]
        assert await app.store.fetchval("SELECT COUNT(*) FROM activity WHERE skill = 'email_deliver_outbox' "
                                        "AND status != 'ok'") == 0
        # Shown to a person: a health finding, the cockpit's failed list, and one notification.
        health = await build_report(app)
        assert health.status == "degraded" and any(f.kind == "delivery_failed" for f in health.findings)
        html = page(await gather(app), "csrf", poll_ms=5000)
        assert "Refused" in html and "550" in html and "Nothing failed to go out" not in html
        assert await delivery_watch.check(app) == 1 and await delivery_watch.check(app) == 0
        # Retryable after a fix: the mailbox exists now.
        handler.refuse.clear()
        refused = dead["Refused"]["id"]
        assert (await mcp.call("email_retry_failed", ids=[refused]))["requeued"] == [refused]
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1
        assert str(handler.messages[-1]["Subject"]) == "Refused"
    finally:
        await anyio.to_thread.run_sync(controller.stop)


async def test_a_slow_receiver_delays_no_healthy_endpoint_and_never_pauses_the_dispatcher(
        app: App, mcp: McpHarness, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    async with holding_http(hold_after=1) as slow, holding_http() as healthy:
        await mcp.call("webhooks_create_endpoint", url=f"{slow.url}/hook", events=["lead.*"])
        await mcp.call("webhooks_create_endpoint", url=f"{healthy.url}/hook", events=["lead.*"])
        for n in range(3):
            await mcp.call("crm_create_lead", email=f"lead{n}@acme.io")
        async with anyio.create_task_group() as tg:
            tg.start_soon(mcp.call, "webhooks_dispatch_events")
            await slow.gate.arrived(1)  # the slow receiver holds its first POST and does not answer...
            await healthy.gate.arrived(3)  # ... while the healthy endpoint gets all three, in the same run
            slow.gate.release()
        assert len(healthy.requests) == 3

    for endpoint in (await mcp.call("webhooks_list_endpoints"))["items"]:  # both receivers are gone now
        await mcp.call("webhooks_set_endpoint_enabled", endpoint_id=endpoint["id"], enabled=False)

    await app.modules.configure("webhooks", {"timeout_s": 0.5})
    async with holding_http(hold_after=1, every=True) as stuck, http_receiver() as healthy:
        stalled = await mcp.call("webhooks_create_endpoint", url=f"{stuck.url}/hook", events=["lead.*"])
        await mcp.call("webhooks_create_endpoint", url=f"{healthy.url}/hook", events=["lead.*"])
        for minute in range(6):  # three timeouts in a row used to pause the dispatcher itself
            await mcp.call("crm_create_lead", email=f"late{minute}@acme.io")
            report = await mcp.call("webhooks_dispatch_events")
            assert report["delivered"] == 1  # every minute, the healthy endpoint gets its event at once
            clock.advance(minutes=1)
        assert len(healthy.requests) == 6 and len(stuck.requests) == 3  # probed at minutes 0, 1 and 3
    runs = await app.store.fetchall("SELECT status FROM activity WHERE skill = 'webhooks_dispatch_events'")
    assert {r["status"] for r in runs} == {"ok"}
    problems = await mcp.call("ops_list_paused_skills")
    assert (problems["paused"], problems["open_breakers"]) == ([], [])
    endpoints = {e["id"]: e for e in (await mcp.call("webhooks_list_endpoints"))["items"]}
    assert (endpoints[stalled["id"]]["state"], endpoints[stalled["id"]]["failures"]) == ("open", 3)
    assert endpoints[stalled["id"]]["last_error"].startswith("timeout: timed out")
    failing = [p for p in await delivery_watch.problems(app) if p.kind == "webhook_failing"]
    assert [p.title for p in failing] == [f"Webhook endpoint #{stalled['id']} is failing"]
    assert "Other endpoints are not affected" in failing[0].body


@pytest.mark.usefixtures("business")  # an invoice goes out in the business's name
async def test_mail_without_a_mail_server_is_said_everywhere_and_never_looks_sent(
        app: App, mcp: McpHarness, clock: FakeClock) -> None:
    draft = await mcp.call("invoicing_create_invoice", customer="Ada Ltd", customer_email="ada@example.com",
                           lines=[{"description": "Audit", "quantity": 1, "unit_price_cents": 90_000}])
    sent, said = await mcp.call_noted("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    assert sent["status"] == "sent"  # the invoice is issued...
    assert "queued, not sent: no mail server is configured" in said  # ... and the call says the mail is not
    assert "pilothouse email test" in said
    assert await delivery_watch.check(app) == 1  # one notification...
    clock.advance(minutes=5)
    await mcp.call("email_send", confirm=True, to="bob@example.com", subject="Also waiting", body="Body")
    assert await delivery_watch.check(app) == 0  # ... for the episode, however long it lasts
    [note] = (await mcp.call("ops_list_notifications", kind="mail_blocked"))["items"]
    assert note["title"] == "1 email(s) cannot be sent" and "no mail server is configured" in note["body"]
    health = await build_report(app)
    assert health.status == "degraded" and any(f.kind == "mail_blocked" for f in health.findings)
    cockpit = await mcp.call("ops_cockpit")
    assert "2 email(s) cannot be sent" in str(cockpit)
    async with smtp_sink() as sink:  # a person configures mail: everything waiting goes out
        await _configure(app, sink.port)
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 2
    assert await delivery_watch.problems(app) == []
    assert (await build_report(app)).status == "healthy"


async def test_a_live_deliverer_keeps_its_rows_past_the_lease_by_renewing_it(
        app: App, mcp: McpHarness, clock: FakeClock, app_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.assembly import open_app
    from tests.modules.slow_receivers import holding_smtp

    monkeypatch.setattr("skills.delivery.RENEW_S", 0.02)
    renewed, original = asyncio.Event(), outbox.renew

    async def renew(db: Any, owner: str, now: Any) -> None:
        await original(db, owner, now)
        renewed.set()

    monkeypatch.setattr(outbox, "renew", renew)
    for n in range(2):
        await mcp.call("email_send", confirm=True, to=f"c{n}@example.com", subject=f"n{n}", body="Body")
    async with holding_smtp(hold_after=1) as sink, open_app(app_db, clock=clock) as other:
        await _configure(app, sink.port)
        results: list[Any] = []
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: _collect(results, app.executor.call("email_deliver_outbox", {}, caller="system")))
            await sink.gate.arrived(1)  # the first deliverer is mid-send, and stays so
            clock.advance(seconds=60)  # far past its first 15 s lease...
            renewed.clear()
            with anyio.fail_after(10):
                await renewed.wait()  # ... but it is alive: its next renewal moves the lease on from now
            held = await app.store.fetchval("SELECT MIN(claim_expires_at) FROM outbox WHERE status = 'sending'")
            assert held > clock.now().isoformat(timespec="seconds")
            second = await other.executor.call("email_deliver_outbox", {}, caller="system")
            assert second.ok and second.output is not None and second.output["attempted"] == 0
            sink.gate.release()
    assert results[0].output["sent"] == 2 and len(sink.messages) == 2


async def _collect(into: list[Any], call: Any) -> None:
    into.append(await call)
