from __future__ import annotations

import pytest

from server.app import App
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def test_contract_terms_renewal_check_and_notice(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    hosting = await mcp.call("contracts_create", party="Kestrel Logistics", title="Fleet tracking",
                             start_date="2025-12-15", term_months=12, value_cents=480_000, notice_days=30)
    assert (hosting["end_date"], hosting["notice_deadline"]) == ("2026-12-15", "2026-11-15")
    await mcp.call("contracts_create", party="Blue Harbor", title="Design retainer", start_date="2026-10-31",
                   term_months=1, value_cents=90_000, notice_days=7)  # ends 2026-11-30, deadline 2026-11-23
    due = await mcp.call("contracts_check_renewals", within_days=14)
    assert [c["title"] for c in due["due"]] == ["Fleet tracking"]
    await mcp.call("contracts_check_renewals", within_days=30)
    await mcp.call("contracts_check_renewals", within_days=30)
    assert await app.store.fetchval("SELECT COUNT(*) FROM events WHERE name = 'contract.renewal_due'") == 2
    renewed = await mcp.call("contracts_renew", contract_id=hosting["id"], value_cents=500_000)
    assert (renewed["end_date"], renewed["value_cents"]) == ("2027-12-15", 500_000)
    clock.advance(days=25)  # 2026-11-27: past the retainer's deadline
    retainer = (await mcp.call("contracts_list", party="Blue"))["items"][0]
    assert "too late" in await mcp.error("contracts_terminate", contract_id=retainer["id"], confirm=True)
    ended = await mcp.call("contracts_terminate", contract_id=hosting["id"], confirm=True)
    assert ended["status"] == "terminated" and not ended["auto_renew"]
    assert "record a new contract" in await mcp.error("contracts_renew", contract_id=hosting["id"])
    assert "as long as the whole term" in await mcp.error("contracts_create", party="X Co", title="Short",
                                                          start_date="2026-11-01", term_months=1,
                                                          value_cents=1, notice_days=40)


async def test_purchase_order_flow_and_spend(app: App, mcp: McpHarness) -> None:
    vendor = await mcp.call("purchasing_add_vendor", name="Paper Supplies Ltd", email="orders@paper.example")
    po = await mcp.call("purchasing_create_order", vendor_id=vendor["id"], lines=[
        {"description": "A4 paper box", "quantity": 10, "unit_cost_cents": 2_500},
        {"description": "Toner", "quantity": 2, "unit_cost_cents": 8_000}])
    assert po["total_cents"] == 41_000 and po["status"] == "draft"
    first, second = po["lines"]
    assert "only sent orders" in await mcp.error("purchasing_receive", po_id=po["id"], line_id=first["id"],
                                                 quantity=1)
    sent = await mcp.call("purchasing_send_order", po_id=po["id"], confirm=True)
    assert sent["status"] == "sent"
    assert await app.store.fetchval("SELECT recipient FROM outbox WHERE purpose = ?", (f"purchase:{po['id']}",)) == \
        "orders@paper.example"
    partial = await mcp.call("purchasing_receive", po_id=po["id"], line_id=first["id"], quantity=6)
    assert partial["status"] == "partially_received"
    assert "at most 4 more" in await mcp.error("purchasing_receive", po_id=po["id"], line_id=first["id"], quantity=5)
    await mcp.call("purchasing_receive", po_id=po["id"], line_id=first["id"], quantity=4)
    done = await mcp.call("purchasing_receive", po_id=po["id"], line_id=second["id"], quantity=2)
    assert done["status"] == "received"
    spend = await mcp.call("purchasing_spend_by_vendor")
    assert spend["vendors"] == [{"vendor": "Paper Supplies Ltd", "orders": 1, "spend_cents": 41_000}]


async def test_goods_received_go_through_the_stock_ledger(mcp: McpHarness) -> None:
    product = await mcp.call("products_create", sku="MUG-01", name="Logo mug", price_cents=1_200, initial_stock=5)
    vendor = await mcp.call("purchasing_add_vendor", name="Mugs & Co", email="sales@mugs.example")
    po = await mcp.call("purchasing_create_order", vendor_id=vendor["id"], lines=[
        {"description": "Logo mugs", "quantity": 30, "unit_cost_cents": 400, "sku": "mug-01"},
        {"description": "Shipping", "quantity": 1, "unit_cost_cents": 2_000}])
    await mcp.call("purchasing_send_order", po_id=po["id"], confirm=True)
    await mcp.call("purchasing_receive", po_id=po["id"], line_id=po["lines"][0]["id"], quantity=20)
    await mcp.call("purchasing_receive", po_id=po["id"], line_id=po["lines"][1]["id"], quantity=1)  # no SKU
    ledger = await mcp.call("products_stock_ledger", product_id=product["id"])
    newest = ledger["items"][0]
    assert (newest["delta"], newest["stock_after"], newest["reason"], newest["note"]) == (20, 25, "restock",
                                                                                         f"PO-{po['id']}")


async def test_list_and_cancel_purchase_orders(mcp: McpHarness) -> None:
    paper = await mcp.call("purchasing_add_vendor", name="Paper Supplies Ltd", email="orders@paper.example")
    inks = await mcp.call("purchasing_add_vendor", name="Ink Works", email="orders@ink.example")
    line = {"description": "A4 paper box", "quantity": 10, "unit_cost_cents": 2_500}
    first = await mcp.call("purchasing_create_order", vendor_id=paper["id"], lines=[line])
    second = await mcp.call("purchasing_create_order", vendor_id=inks["id"], lines=[line, line])
    third = await mcp.call("purchasing_create_order", vendor_id=paper["id"], lines=[line])
    await mcp.call("purchasing_send_order", po_id=third["id"], confirm=True)
    await mcp.call("purchasing_receive", po_id=third["id"], line_id=third["lines"][0]["id"], quantity=4)

    everything = await mcp.call("purchasing_list_orders")
    assert [o["id"] for o in everything["items"]] == [third["id"], second["id"], first["id"]]
    assert everything["items"][0] | {"created_at": None} == {
        "id": third["id"], "vendor_id": paper["id"], "vendor": "Paper Supplies Ltd", "status": "partially_received",
        "total_cents": 25_000, "units_ordered": 10, "units_received": 4, "created_at": None}
    assert [o["id"] for o in (await mcp.call("purchasing_list_orders", vendor="ink"))["items"]] == [second["id"]]
    drafts = await mcp.call("purchasing_list_orders", status="draft", limit=1)
    assert (drafts["total"], [o["id"] for o in drafts["items"]]) == (2, [second["id"]])

    assert (await mcp.call("purchasing_cancel_order", confirm=True, po_id=first["id"]))["status"] == "cancelled"
    assert "only draft or sent orders" in await mcp.error("purchasing_cancel_order", confirm=True, po_id=third["id"])
    assert "only draft or sent orders" in await mcp.error("purchasing_cancel_order", confirm=True, po_id=first["id"])
    assert "no purchase order with id 99" in await mcp.error("purchasing_cancel_order", confirm=True, po_id=99)
