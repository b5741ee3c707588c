"""Email through a real SMTP server on 127.0.0.1 (aiosmtpd): delivery, failures kept, retries."""

from __future__ import annotations

import json

import pytest

from server.app import App
from server.testing import FakeClock, McpHarness, free_port, http_receiver, smtp_sink
from skills import outbox
from skills.messages import Webhook

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
        "email_send", confirm=True, to="ada@example.com", template="welcome", values={"first_name": "Ada"})
    async with smtp_sink() as sink:
        await _configure(app, sink.port)
        queued = await mcp.call("email_send", confirm=True, to="ada@example.com", template="welcome",
                                values={"first_name": "Ada", "code": "42"})
        assert queued["status"] == "queued"
        await mcp.call("email_send", confirm=True, to="bob@example.com", subject="Hello", body="Plain words.")
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
    await _configure(app, free_port())  # nothing listens there
    await mcp.call("email_send", confirm=True, to="ada@example.com", subject="Hi", body="Body")
    report = await mcp.call("email_deliver_outbox")  # the server's outage is the message's, not the run's
    assert (report["sent"], report["requeued"]) == (0, 1) and "network" in report["errors"][0]
    [row] = (await mcp.call("email_list_outbox"))["items"]
    # One run is one attempt (the executor does not resend on the spot); the next waits a minute.
    assert row["status"] == "pending" and row["error_kind"] == "network" and row["attempts"] == 1
    queued, said = await mcp.call_noted("email_send", confirm=True, to="bob@example.com", subject="Later", body="Body")
    assert queued["status"].startswith("queued, not sent: the mail server is failing (network")
    assert said.endswith(queued["status"])  # after the note that only `confirm: true` said yes
    async with smtp_sink() as sink:  # the server comes back: the same row goes out when it is due
        await _configure(app, sink.port)
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1  # the new message; the first waits its minute
        clock.advance(minutes=1)
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1
    assert sorted(str(m["Subject"]) for m in sink.messages) == ["Hi", "Later"]


async def test_a_refused_login_keeps_mail_waiting_until_the_password_is_fixed(app: App, mcp: McpHarness,
                                                                              clock: FakeClock) -> None:
    await mcp.call("email_send", confirm=True, to="ada@example.com", subject="Hi", body="Body")
    async with smtp_sink(password="right") as sink:
        await _configure(app, sink.port, smtp_username="shop", smtp_password="wrong")
        report = await mcp.call("email_deliver_outbox")
        assert report["requeued"] == 1 and "auth_failed" in report["errors"][0]
        [row] = (await mcp.call("email_list_outbox", status="pending"))["items"]
        assert row["error_kind"] == "auth_failed" and row["attempts"] == 1
        await _configure(app, sink.port, smtp_username="shop", smtp_password="right")
        clock.advance(minutes=1)
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1  # nobody had to retry it by hand
    assert sink.messages[0]["Subject"] == "Hi"
    assert "not failed" in await mcp.error("email_retry_failed", ids=[row["id"]])
    runs = await app.store.fetchall("SELECT status FROM activity WHERE skill = 'email_deliver_outbox'")
    assert {r["status"] for r in runs} == {"ok"}  # the refusal was the server's answer, never the skill's failure


async def test_unconfigured_smtp_holds_mail_and_says_what_to_configure(mcp: McpHarness) -> None:
    queued, said = await mcp.call_noted("email_send", confirm=True, to="ada@example.com", subject="Hi", body="Body")
    assert queued["status"].startswith("queued, not sent: no mail server is configured")
    assert "pilothouse email test" in said and "smtp_host=" in said
    report, said = await mcp.call_noted("email_deliver_outbox")
    assert (report["attempted"], report["held"]) == (0, 1)
    assert said.startswith("1 email(s) not sent: no mail server is configured")


async def test_notification_webhooks_are_delivered_from_the_outbox(app: App, mcp: McpHarness,
                                                                   clock: FakeClock) -> None:
    async with http_receiver() as receiver:
        receiver.answers = [500]
        await outbox.enqueue(app.store, Webhook(url=f"{receiver.url}/hook", payload={"kind": "skill_paused"},
                                                title="paused"), now=clock.now().isoformat())
        report = await mcp.call("email_deliver_outbox")  # no mail server: notification webhooks still go
        assert report["requeued"] == 1 and "http_5xx" in report["errors"][0]
        [row] = (await mcp.call("email_list_outbox", status="pending"))["items"]
        assert (row["error_kind"], row["attempts"]) == ("http_5xx", 1)
        clock.advance(minutes=1)
        assert (await mcp.call("email_deliver_outbox"))["sent"] == 1
        assert json.loads(receiver.requests[-1].body) == {"kind": "skill_paused"}
        [first, second] = receiver.requests
        assert first.headers["webhook-id"] == second.headers["webhook-id"] == row["message_id"]
