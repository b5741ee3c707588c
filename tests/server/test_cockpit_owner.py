"""Issue 31, story 3: a cockpit an owner enjoys, over HTTP (the layout in a browser: test_cockpit_layout.py).

The stories: an approval showed `invoicing_send_reminders` with `{}`; after Approve the banner was a
JSON dump; result cells were raw JSON, one ending in a literal `&quo` (cut after escaping); times
were ISO strings; nothing linked to the invoice concerned; the feed drowned in housekeeping.
"""

from __future__ import annotations

import html
import random
import re

import pytest

from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.app import App
from server.demo import seed_demo
from server.resilience.backoff import failure_streak
from server.testing import http_receiver
from tests.server.test_cockpit_http import cockpit, csrf_of

pytestmark = pytest.mark.anyio
BROKEN_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#[0-9]+)(?![a-zA-Z0-9;])")


def section(page: str, key: str) -> str:
    return page.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]


async def _reminders_waiting(app: App) -> int:
    await enable_agent(app)
    await seed_demo(app)
    assert (await app.executor.call("invoicing_check_overdue", {}, caller="cli")).ok
    queued = await app.executor.call("invoicing_send_reminders", {}, caller="pilot")
    assert queued.approval_id is not None
    return queued.approval_id


async def test_an_approval_says_what_it_will_do_and_links_the_records(app: App) -> None:
    request_id = await _reminders_waiting(app)
    overdue = await app.store.fetchall("SELECT id, customer FROM invoicing_invoices WHERE status = 'overdue'")
    async with cockpit(app) as client:
        page = (await client.get("/cockpit")).text
        requests = section(page, "requests")
        assert "Email 2 customers about 2 overdue invoices" in requests
        for invoice in overdue:
            assert f'href="/cockpit/records/invoicing_invoices/{invoice["id"]}"' in requests
            assert html.escape(invoice["customer"]) in requests
        record = await client.get(f"/cockpit/records/invoicing_invoices/{overdue[0]['id']}")
        assert record.status_code == 200 and html.escape(overdue[0]["customer"]) in record.text
        assert (await client.get("/cockpit/records/memory/1")).status_code == 404  # only module records
        assert (await client.get("/cockpit/records/invoicing_invoices/999")).status_code == 404

        done = await client.post("/cockpit/action/approve", data={"csrf": csrf_of(page), "id": str(request_id)},
                                 headers={"X-Cockpit-Fragment": "1"})
    flash = done.text.split('id="flash"', 1)[1].split("</p>", 1)[0]
    assert "approved" in flash and "{" not in flash and "runs on the next heartbeat" in flash


async def test_a_record_page_never_shows_a_secret(app: App) -> None:
    async with http_receiver() as receiver:
        created = await app.executor.call("webhooks_create_endpoint", {"url": receiver.url + "/hook",
                                                                      "events": ["invoice.*"]}, caller="cli")
    if not created.ok:  # public https only unless private targets are allowed: make the row ourselves
        await app.store.execute("INSERT INTO webhooks_endpoints (url, events, secret, enabled, created_at) VALUES "
                                "('https://hooks.example.com/x', '[\"invoice.*\"]', 'whsec_topsecret', 1, 'now')")
    row = await app.store.fetchone("SELECT id, secret FROM webhooks_endpoints ORDER BY id LIMIT 1")
    assert row is not None and row["secret"]
    async with cockpit(app) as client:
        page = await client.get(f"/cockpit/records/webhooks_endpoints/{row['id']}")
    assert page.status_code == 200 and row["secret"] not in page.text and "[redacted]" in page.text


async def test_times_read_as_ages_with_the_moment_on_hover(app: App) -> None:
    await _reminders_waiting(app)
    async with cockpit(app) as client:
        page = (await client.get("/cockpit")).text
    stamps = re.findall(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', page)
    assert stamps and all(text.endswith(" ago") or text == "just now" for _, _, text in stamps), stamps[:3]
    assert not re.search(r">\d{4}-\d\d-\d\dT\d\d:\d\d", page)  # no bare ISO time as text anywhere


async def test_results_are_words_and_a_long_one_is_cut_before_it_is_escaped(app: App) -> None:
    notes = 'She said "call me" ' * 40
    assert (await app.executor.call("crm_create_lead", {"email": "ada@example.com", "notes": notes},
                                    caller="cli")).ok
    async with cockpit(app) as client:
        feed = section((await client.get("/cockpit")).text, "activity")
    assert not BROKEN_ENTITY.search(feed), BROKEN_ENTITY.search(feed)
    assert '{"' not in html.unescape(feed)  # no JSON dump
    assert "ada@example.com" in feed


async def test_housekeeping_stays_out_of_the_feed_unless_asked_for(app: App) -> None:
    assert (await app.executor.call("crm_create_lead", {"email": "mine@example.com"}, caller="cli")).ok
    failed = await app.executor.call("crm_set_lead_status", {"lead_id": 999, "status": "contacted"},
                                     caller="automation")
    assert failed.error_kind is not None
    assert (await app.executor.call("crm_qualify_leads", {}, caller="automation")).ok  # scored one: a row
    for _ in range(3):  # nothing due: counted, not listed
        await app.executor.call("webhooks_dispatch_events", {}, caller="automation")
    async with cockpit(app) as client:
        default = section((await client.get("/cockpit")).text, "activity")
        everything = section((await client.get("/cockpit", params={"housekeeping": "1"})).text, "activity")
    assert "crm_create_lead" in default and "crm_set_lead_status" in default  # a failure is a signal
    assert "crm_qualify_leads" not in default and "crm_qualify_leads" in everything
    assert "Housekeeping that found nothing to do today" in default
    assert "webhooks_dispatch_events</code> 3 runs" in default
    assert 'name="housekeeping"' in default  # the filter that shows them


async def test_a_failing_heartbeat_has_its_way_out_on_the_page(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    await enable_agent(app)
    objective = {"goal": "Grow the newsletter", "success_criteria": "100"}
    assert (await app.executor.call("pilot_create_objective", objective, caller="cli")).ok
    never_skips = random.Random()
    never_skips.random = lambda: 0.99  # type: ignore[method-assign]
    for _ in range(3):  # no provider: every cycle fails
        assert (await run_cycle(app, rng=never_skips)).status == "failed"
    async with cockpit(app) as client:
        page = (await client.get("/cockpit")).text
        health = section(page, "health")
        assert "the heartbeat (the agent&#x27;s job) failed its last 3 cycles" in health
        assert ">Reset the backoff</button>" in health
        done = await client.post("/cockpit/action/reset", data={"csrf": csrf_of(page)})
    assert done.status_code == 303 and await failure_streak(app.store) == 0
