"""The exception cockpit over HTTP, without a browser: what it shows, what its forms do, who may use it.

The ASGI app `serve --http` builds, driven in process with httpx (the session manager running).
The browser tests (test_cockpit_browser.py) click the same forms in Chromium.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest

from server.agent.bootstrap import disable_agent, enable_agent
from server.app import App
from server.assembly import Process
from server.http_app import HttpSettings, build_http_app
from server.tables import approvals, memory, notifications, skill_state
from skills import outbox
from skills.messages import Email

pytestmark = pytest.mark.anyio

TOKEN = "cockpit-token-for-tests"


@asynccontextmanager
async def cockpit(app: App, **settings: object) -> AsyncIterator[httpx.AsyncClient]:
    """The app as `serve --http` builds it (its routes from Process.assemble), reached on loopback."""
    process = Process.assemble(app, scheduler=False)
    config = HttpSettings(**{"host": "127.0.0.1", "port": 8765, **settings})  # type: ignore[arg-type]
    asgi = build_http_app(process.surface, host=config.host, port=config.port, extra_routes=process.routes,
                          settings=config)
    async with process.surface.server.session_manager.run(), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url="http://127.0.0.1:8765") as client:
        yield client


async def queue(app: App, skill: str, arguments: dict[str, object], *, kind: str = "approval",
                reason: str | None = None, by: str = "pilot") -> int:
    """A request from the agent (or ``by`` another caller), as the executor queues it."""
    now = app.clock.now()
    async with app.store.transaction() as tx:
        request_id, _ = await approvals.queue(
            tx, skill=skill, arguments=json.dumps(arguments), run_id=None, requested_by=by,
            requested_at=(now - timedelta(minutes=7)).isoformat(timespec="seconds"),
            expires_at=(now + timedelta(hours=48)).isoformat(timespec="seconds"), kind=kind)
        if reason:
            await approvals.note_reason(tx, request_id, reason)
    return request_id


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


async def test_the_page_shows_a_pending_approval_with_its_arguments_reason_and_age(app: App) -> None:
    await enable_agent(app)
    await queue(app, "orders_cancel", {"order_id": 42, "note": "<script>alert(1)</script>"},
                kind="proposal", reason="the customer <b>asked</b>")
    async with cockpit(app) as client:
        page = await client.get("/cockpit")
    assert page.status_code == 200
    text = page.text
    assert "orders_cancel" in text and "order_id=42" in text and "7 min" in text
    assert ">Approve</button>" in text and ">Reject</button>" in text
    # User data is text, never markup.
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "the customer &lt;b&gt;asked&lt;/b&gt;" in text


async def test_approve_on_the_page_is_approvals_approve(app: App) -> None:
    await enable_agent(app)
    request_id = await queue(app, "orders_cancel", {"order_id": 42})
    async with cockpit(app) as client:
        token = csrf_of((await client.get("/cockpit")).text)
        answer = await client.post("/cockpit/action/approve", data={"csrf": token, "id": str(request_id)})
        assert answer.status_code == 303
        after = await client.get("/cockpit")
    row = await approvals.get(app.store, request_id)
    assert row is not None and row["status"] == "approved" and row["decided_by"] == "cli"
    assert f"approval #{request_id} approved" in after.text
    assert "Nothing waits for your approval." in after.text


async def test_reject_asks_for_a_reason_and_the_agent_remembers_it(app: App) -> None:
    await enable_agent(app)
    request_id = await queue(app, "orders_cancel", {"order_id": 7})
    async with cockpit(app) as client:
        token = csrf_of((await client.get("/cockpit")).text)
        refused = await client.post("/cockpit/action/reject", data={"csrf": token, "id": str(request_id)},
                                    headers={"x-cockpit-fragment": "1"})
        assert refused.status_code == 400 and "give a reason" in refused.text
        assert (await approvals.get(app.store, request_id) or {})["status"] == "pending"
        done = await client.post("/cockpit/action/reject", headers={"x-cockpit-fragment": "1"},
                                 data={"csrf": token, "id": str(request_id), "reason": "that order shipped"})
    assert done.status_code == 200 and "rejected" in done.text
    row = await approvals.get(app.store, request_id)
    assert row is not None and row["status"] == "rejected" and row["result"] == "that order shipped"
    lesson = await memory.read(app.store, f"feedback:rejected:{request_id}")
    assert lesson is not None and "that order shipped" in lesson


async def test_an_action_without_the_csrf_token_is_refused(app: App) -> None:
    await enable_agent(app)
    request_id = await queue(app, "orders_cancel", {"order_id": 42})
    async with cockpit(app) as client:
        await client.get("/cockpit")  # the browser has its session cookie
        missing = await client.post("/cockpit/action/approve", data={"id": str(request_id)})
        forged = await client.post("/cockpit/action/approve", data={"id": str(request_id), "csrf": "0" * 64})
    assert missing.status_code == 403 and forged.status_code == 403 and "CSRF" in missing.text
    assert (await approvals.get(app.store, request_id) or {})["status"] == "pending"


async def test_with_the_agent_off_the_page_is_an_operations_view(app: App) -> None:
    await enable_agent(app)
    await queue(app, "orders_cancel", {"order_id": 42})
    await disable_agent(app)
    async with cockpit(app) as client:
        text = (await client.get("/cockpit")).text
    assert "agent off" in text
    assert 'id="requests"' not in text and 'id="heartbeats"' not in text and "orders_cancel" not in text
    assert 'id="notifications"' in text and 'id="health"' in text and 'id="activity"' in text


async def test_with_the_agent_off_an_automations_request_is_shown_and_approving_runs_it(app: App) -> None:
    await disable_agent(app)
    request_id = await queue(app, "crm_qualify_leads", {}, by="automation")
    async with cockpit(app) as client:
        page = await client.get("/cockpit")
        assert 'id="requests"' in page.text and f'data-request="{request_id}"' in page.text
        assert 'id="heartbeats"' not in page.text and 'id="requests-h">Approvals <' in page.text  # no proposals
        done = await client.post("/cockpit/action/approve", data={"id": str(request_id), "csrf": csrf_of(page.text)})
    assert done.status_code in (200, 303)
    assert (await approvals.get(app.store, request_id) or {})["status"] == "executed"  # no heartbeat would run it


async def test_resume_mark_read_and_retry_change_what_the_cli_would(app: App) -> None:
    stamp = app.clock.now().isoformat(timespec="seconds")
    async with app.store.transaction() as tx:
        await skill_state.pause_skill(tx, "webhooks_dispatch_events", "receiver answered 401", stamp)
        note = await notifications.add(tx, kind="skill_paused", title="paused", body="fix it", created_at=stamp)
        await outbox.enqueue(tx, Email(to="ada@example.com", subject="Invoice", text="x"), now=stamp)
    [claimed] = await outbox.claim(app.store, "test", app.clock.now(), 1)  # a delivery that failed for good
    mail = claimed["id"]
    await outbox.mark_failed(app.store, mail, "test", attempts=1, error="auth refused", kind="auth_failed",
                             retry_at=None)
    async with cockpit(app) as client:
        page = (await client.get("/cockpit")).text
        assert "receiver answered 401" in page and "auth refused" in page and ">Resume</button>" in page
        token = csrf_of(page)
        for name, form in (("resume", {"name": "webhooks_dispatch_events"}), ("read", {"id": str(note)}),
                           ("retry", {"module": "email", "id": str(mail)})):
            answer = await client.post(f"/cockpit/action/{name}", data={"csrf": token, **form})
            assert answer.status_code == 303, name
        after = (await client.get("/cockpit")).text
    assert not await skill_state.paused_skills(app.store)
    assert await notifications.unread_count(app.store) == 0
    assert await app.store.fetchval("SELECT status FROM outbox WHERE id = ?", (mail,)) == "pending"
    # Queued again, it still cannot leave: no mail server is configured, and the cockpit says so.
    assert "Every skill is running." in after and "Nothing failed to go out." not in after
    assert "1 email(s) cannot be sent" in after and "no mail server is configured" in after


async def test_the_activity_feed_filters_by_caller_and_pages(app: App) -> None:
    for i in range(3):
        await app.executor.call("crm_create_lead", {"email": f"p{i}@example.com"}, caller="cli")
    await app.executor.call("crm_list_leads", {}, caller="mcp")
    async with cockpit(app) as client:
        mcp_only = (await client.get("/cockpit", params={"caller": "mcp"})).text
        paged = (await client.get("/cockpit", params={"caller": "cli", "offset": "2"})).text
    feed = mcp_only.split('id="activity"')[1]
    assert "crm_list_leads" in feed and "crm_create_lead" not in feed
    assert "3-3 of 3" in paged.split('id="activity"')[1] and ">Newer</a>" in paged


async def test_off_loopback_the_cockpit_needs_the_token_then_a_session(app: App) -> None:
    async with cockpit(app, host="0.0.0.0", token=TOKEN) as client:
        first = await client.get("/cockpit")
        assert first.status_code == 303 and first.headers["location"] == "/cockpit/login"
        assert (await client.get("/cockpit/panels")).status_code == 401
        wrong = await client.post("/cockpit/login", data={"token": "guess"})
        assert wrong.status_code == 401 and "not accepted" in wrong.text
        bearer = await client.get("/cockpit", headers={"authorization": f"Bearer {TOKEN}"})
        assert bearer.status_code == 200
        client.cookies.clear()
        signed_in = await client.post("/cockpit/login", data={"token": TOKEN})
        assert signed_in.status_code == 303
        page = await client.get("/cockpit")
    assert page.status_code == 200 and "Exception cockpit" in page.text
