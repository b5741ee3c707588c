"""`pilothouse seed-demo` for the money side: invoicing, subscriptions, contracts and purchasing.

A newcomer should see a living business through the modules' own reports, and the demo data must
leave every sequence and workflow usable: real documents continue after it and nothing went out.
"""

from __future__ import annotations

import pytest

from server.app import App
from server.demo import seed_demo
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio

FINANCE = {"invoicing", "subscriptions", "contracts", "purchasing"}


async def test_seeding_reaches_no_one_and_runs_once(app: App) -> None:
    seeded, _ = await seed_demo(app)
    assert FINANCE <= set(seeded)
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox") == 0
    names = [r["name"] for r in await app.store.fetchall("SELECT name FROM events")]
    assert not [n for n in names if n.split(".")[0] in ("invoice", "subscription", "contract")]
    invoices = await app.store.fetchval("SELECT COUNT(*) FROM invoicing_invoices")
    _, skipped = await seed_demo(app)
    assert FINANCE <= set(skipped)
    assert await app.store.fetchval("SELECT COUNT(*) FROM invoicing_invoices") == invoices


async def test_receivables_show_in_aging_and_the_overdue_check(app: App, mcp: McpHarness) -> None:
    await seed_demo(app)
    aging = await mcp.call("invoicing_ar_aging")
    buckets = {b["bucket"]: (b["invoices"], b["outstanding_cents"]) for b in aging["buckets"]}
    # Current: the partly paid design sprint (540,000 less 40 %) and the hosting invoice (56,040).
    assert buckets == {"current": (2, 324_000 + 56_040), "1-30": (1, 1_800_000), "31-60": (1, 212_400),
                       "61-90": (0, 0), "90+": (0, 0)}
    # The invoice two weeks past due is still `sent`: the daily check is what flags it.
    assert (await mcp.call("invoicing_check_overdue"))["newly_overdue"] == ["INV-2026-0003"]
    overdue = (await mcp.call("invoicing_list", status="overdue"))["items"]
    assert sorted(i["customer"] for i in overdue) == ["Fernwood Bakery", "Northwind Traders"]
    paid = (await mcp.call("invoicing_list", status="paid"))["items"]
    assert [(i["customer"], i["balance_cents"]) for i in paid] == [("Kestrel Logistics", 0)]
    draft = (await mcp.call("invoicing_list", status="draft"))["items"]
    assert [(i["customer"], i["number"]) for i in draft] == [("Northwind Traders", None)]


async def test_a_real_invoice_is_numbered_after_the_demo_ones(app: App, mcp: McpHarness) -> None:
    await seed_demo(app)
    numbers = sorted(i["number"] for i in (await mcp.call("invoicing_list"))["items"] if i["number"])
    assert numbers == [f"INV-2026-{n:04d}" for n in range(1, 6)]
    draft = await mcp.call("invoicing_create_invoice", customer="Ada Shop", customer_email="ada@shop.example",
                           lines=[{"description": "Consulting", "quantity": 2, "unit_price_cents": 10_000}])
    sent = await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    assert sent["number"] == "INV-2026-0006"
    # The demo's own draft can still be paid down the normal way once sent.
    demo_draft = (await mcp.call("invoicing_list", status="draft"))["items"][0]
    assert (await mcp.call("invoicing_send_invoice", invoice_id=demo_draft["id"], confirm=True))["number"] == \
        "INV-2026-0007"
    recipients = [r["recipient"] for r in await app.store.fetchall("SELECT recipient FROM outbox ORDER BY id")]
    assert recipients == ["ada@shop.example", "maria@northwind.example"]


async def test_subscriptions_bring_recurring_revenue(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    await seed_demo(app)
    mrr = await mcp.call("subscriptions_mrr")
    # Starter 29 + Team 99 + Team yearly 990 / 12; the trial and the cancelled customer count nothing.
    assert mrr["mrr_cents"] == 2_900 + 9_900 + 8_250 and mrr["arr_cents"] == mrr["mrr_cents"] * 12
    assert {p["plan"]: p["subscriptions"] for p in mrr["plans"]} == {"Starter": 1, "Team": 1, "Team yearly": 1}
    # No period has ended yet, so nobody is billed by surprise on the first renewal run...
    assert (await mcp.call("subscriptions_run_renewals"))["renewed"] == []
    # ...but the trial converts when it ends, with a draft invoice to review.
    clock.advance(days=10)
    renewed = await mcp.call("subscriptions_run_renewals")
    assert len(renewed["renewed"]) == 1
    drafts = (await mcp.call("invoicing_list", status="draft", customer="Alder"))["items"]
    assert [d["total_cents"] for d in drafts] == [9_900]


async def test_one_contract_needs_a_renewal_decision(app: App, mcp: McpHarness) -> None:
    await seed_demo(app)
    due = (await mcp.call("contracts_check_renewals"))["due"]
    assert [(c["party"], c["title"]) for c in due] == [("Harbourside Properties", "Office lease, unit 4")]
    assert "2026-11-14" <= due[0]["notice_deadline"] <= "2026-11-17"
    listed = await mcp.call("contracts_list")
    assert listed["total"] == 5
    assert [c["party"] for c in listed["items"] if c["status"] == "terminated"] == ["Swiftcopy Printers"]
    # Still before the deadline, so notice can be given the normal way.
    ended = await mcp.call("contracts_terminate", contract_id=due[0]["id"], confirm=True)
    assert ended["status"] == "terminated"


async def test_purchase_orders_show_in_spend_and_can_be_received(app: App, mcp: McpHarness) -> None:
    await seed_demo(app)
    spend = (await mcp.call("purchasing_spend_by_vendor"))["vendors"]
    # The draft order for T-shirts is not committed spend yet.
    assert [(v["vendor"], v["orders"], v["spend_cents"]) for v in spend] == [
        ("Enamelware Co.", 1, 62_400), ("Boxwell Packaging", 1, 31_860), ("Riso Print Collective", 1, 27_000)]
    po = await app.store.fetchone("SELECT o.id, l.id AS line_id FROM purchasing_orders o JOIN purchasing_lines l "
                                  "ON l.po_id = o.id WHERE o.status = 'partially_received'")
    assert po is not None
    mugs = {p["sku"]: p["stock"] for p in (await mcp.call("products_list"))["items"]}["MUG-BLUE"]
    received = await mcp.call("purchasing_receive", po_id=po["id"], line_id=po["line_id"], quantity=60)
    assert received["status"] == "received"
    assert {p["sku"]: p["stock"] for p in (await mcp.call("products_list"))["items"]}["MUG-BLUE"] == mugs + 60
    message = await mcp.error("purchasing_receive", po_id=po["id"], line_id=po["line_id"], quantity=1)
    assert "only sent orders" in message
