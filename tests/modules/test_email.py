"""Email through a real SMTP server on 127.0.0.1 (aiosmtpd): delivery, failures kept, retries."""

from __future__ import annotations

import json

import pytest

from server.app import App
from server.testing import FakeClock, McpHarness, free_port, http_receiver, smtp_sink

pytestmark = pytest.mark.anyio


async def _configure(app: App, port: int, **extra: object) -> None:
    await app.modules.configure("email", {"smtp_host": "127.0.0.1", "smtp_port": port,
                                          "smtp_from": "shop@example.com", **extra})


async def test_template_send_and_deliver_over_smtp(app: App, mcp: McpHarness) -> None:
    template = await mcp.call("email_create_template", name="welcome", subject="Welcome, {{first_name}}!",
                              body="Hi {{first_name}}, your code is {{code}}.")
    assert template["placeholders"] == ["code", "first_name"]
    assert "already exists" in await mcp.error("email_create_template", name="welcome", subject="x", body="y")
    listed = await mcp.call("email_list_templates", query="welcome")
    assert [(t["name"], t["system"]) for t in listed["items"]] == [("welcome", False)]

    assert "missing values for code" in await mcp.error(
        "email_send", to="ada@example.com", template="welcome", values={"first_name": "Ada"})
    queued = await mcp.call("email_send", to="ada@example.com", template="welcome",
                            values={"first_name": "Ada", "code": "42"})
    await mcp.call("email_send", to="bob@example.com", subject="Hello", body="Plain words.")
    async with smtp_sink() as sink:
        await _configure(app, sink.port)
        report = await mcp.call("email_deliver_outbox")
    assert (report["attempted"], report["sent"]) == (2, 2)
    [welcome, plain] = sink.messages
    assert welcome["To"] == "ada@example.com" and welcome["Subject"] == "Welcome, Ada!"
    assert "your code is 42" in welcome.get_payload() and plain["From"] == "shop@example.com"
    sent = await mcp.call("email_list_outbox", status="sent")
    assert {i["id"] for i in sent["items"]} >= {queued["outbox_id"]}
    again = await mcp.call("email_deliver_outbox")  # nothing is sent twice
    assert again["attempted"] == 0


async def test_refused_connection_keeps_the_message_with_its_error(app: App, mcp: McpHarness,
                                                                   clock: FakeClock) -> None:
    await mcp.call("email_send", to="ada@example.com", subject="Hi", body="Body")
    await _configure(app, free_port())  # nothing listens there
    message = await mcp.error("email_deliver_outbox")
    assert "did nothing: 1 item(s) failed (network)" in message
    [row] = (await mcp.call("email_list_outbox"))["items"]
    # One run is one attempt (the executor does not resend on the spot); the next waits a minute.
    assert row["status"] == "pending" and row["error_kind"] == "network" and row["attempts"] == 1
    async with smtp_sink() as sink:  # the server comes back: the same row goes out when it is due
        await _configure(app, sink.port)
        assert (await mcp.call("email_deliver_outbox"))["attempted"] == 0
        clock.advance(minutes=1)
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1
    assert len(sink.messages) == 1


async def test_wrong_password_is_auth_failed_and_permanent_until_retried(app: App, mcp: McpHarness) -> None:
    await mcp.call("email_send", to="ada@example.com", subject="Hi", body="Body")
    async with smtp_sink(password="right") as sink:
        await _configure(app, sink.port, smtp_username="shop", smtp_password="wrong")
        await mcp.error("email_deliver_outbox")
        [row] = (await mcp.call("email_list_outbox", status="failed"))["items"]
        assert row["error_kind"] == "auth_failed" and row["attempts"] == 1
        activity = await app.store.fetchone("SELECT input, error_kind FROM activity "
                                            "WHERE skill = 'email_deliver_outbox' ORDER BY id DESC LIMIT 1")
        assert activity is not None
        assert activity["error_kind"] == "auth_failed"
        await _configure(app, sink.port, smtp_username="shop", smtp_password="right")
        assert (await mcp.call("email_retry_failed"))["requeued"] == [row["id"]]
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1
    assert sink.messages[0]["Subject"] == "Hi"
    assert "not failed" in await mcp.error("email_retry_failed", ids=[row["id"]])


async def test_unconfigured_smtp_says_what_to_configure(mcp: McpHarness) -> None:
    await mcp.call("email_send", to="ada@example.com", subject="Hi", body="Body")
    message = await mcp.error("email_deliver_outbox")
    assert "pilothouse modules configure email smtp_host=" in message


async def test_notification_webhooks_are_delivered_from_the_outbox(app: App, mcp: McpHarness,
                                                                   clock: FakeClock) -> None:
    async with http_receiver() as receiver:
        receiver.answers = [500]
        body = json.dumps({"kind": "skill_paused"})
        await app.store.execute("INSERT INTO outbox (channel, recipient, subject, body, created_at) "
                                "VALUES ('webhook', ?, 'paused', ?, 'now')", (f"{receiver.url}/hook", body))
        assert "http_5xx" in await mcp.error("email_deliver_outbox")
        [row] = (await mcp.call("email_list_outbox", status="pending"))["items"]
        assert (row["error_kind"], row["attempts"]) == ("http_5xx", 1)
        clock.advance(minutes=1)
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1
        assert json.loads(receiver.requests[-1].body) == {"kind": "skill_paused"}
        [first, second] = receiver.requests
        assert first.headers["webhook-id"] == second.headers["webhook-id"] != ""
