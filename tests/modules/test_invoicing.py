from __future__ import annotations

from typing import Any

import pytest

from server.app import App
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio

LINES = [{"description": "Consulting", "quantity": 3, "unit_price_cents": 12_000},
         {"description": "Travel", "quantity": 1, "unit_price_cents": 4_550}]


async def _sent(mcp: McpHarness, **extra: object) -> dict[str, Any]:
    draft = await mcp.call("invoicing_create_invoice", customer="Northwind", customer_email="ap@northwind.example",
                           lines=LINES, tax_rate_percent=20, **extra)
    sent: dict[str, Any] = await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    return sent


async def test_totals_numbering_sending_and_the_document(business: App, mcp: McpHarness) -> None:
    draft = await mcp.call("invoicing_create_invoice", customer="Northwind", customer_email="ap@northwind.example",
                           lines=LINES, tax_rate_percent=20, terms_days=30)
    assert (draft["subtotal_cents"], draft["tax_cents"], draft["total_cents"]) == (40_550, 8_110, 48_660)
    assert draft["number"] is None and draft["status"] == "draft"
    assert "confirmation_required" in await mcp.error("invoicing_send_invoice", invoice_id=draft["id"])
    sent = await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    assert (sent["number"], sent["issue_date"], sent["due_date"]) == ("INV-2026-0001", "2026-11-02", "2026-12-02")
    assert (await _sent(mcp))["number"] == "INV-2026-0002"
    mail = await business.store.fetchone("SELECT recipient, subject, body FROM outbox WHERE purpose = ?",
                                         (f"invoice:{draft['id']}",))
    assert mail is not None
    assert mail["subject"] == "Invoice INV-2026-0001 from Harbor Lane Studio"
    assert "£486.60" in mail["body"]  # the business's currency, in its locale
    document = await mcp.call("invoicing_render", invoice_id=draft["id"])
    assert "| Consulting | 3 | GBP 120.00 | 0 % | 20 % | GBP 360.00 |" in document["markdown"]
    assert "| **Total** | **GBP 486.60** |" in document["markdown"]
    assert "only drafts" in await mcp.error("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)


async def test_payments_credit_notes_and_void_rules(business: App, mcp: McpHarness) -> None:
    invoice = await _sent(mcp)
    assert "more than the balance" in await mcp.error("invoicing_record_payment", invoice_id=invoice["id"],
                                                      amount_cents=50_000)
    part = await mcp.call("invoicing_record_payment", invoice_id=invoice["id"], amount_cents=20_000)
    assert (part["status"], part["balance_cents"]) == ("sent", 28_660)
    assert "use invoicing_credit_note" in await mcp.error("invoicing_void_invoice", invoice_id=invoice["id"],
                                                          reason="wrong customer", confirm=True)
    credited = await mcp.call("invoicing_credit_note", invoice_id=invoice["id"], amount_cents=8_660,
                              reason="Goodwill discount", confirm=True)
    assert (credited["invoice"]["total_cents"], credited["invoice"]["balance_cents"]) == (40_000, 20_000)
    assert credited["credit_note"]["number"] == "CN-2026-0001"
    paid = await mcp.call("invoicing_record_payment", invoice_id=invoice["id"], amount_cents=20_000)
    assert (paid["status"], paid["balance_cents"]) == ("paid", 0)
    other = await _sent(mcp)
    voided = await mcp.call("invoicing_void_invoice", invoice_id=other["id"], reason="Duplicate", confirm=True)
    assert voided["status"] == "void"
    assert "payments go on sent or overdue" in await mcp.error("invoicing_record_payment", invoice_id=other["id"],
                                                               amount_cents=1)
    listed = await mcp.call("invoicing_list", status="paid")
    assert [i["number"] for i in listed["items"]] == [invoice["number"]]


async def test_overdue_reminders_and_aging(business: App, mcp: McpHarness, clock: FakeClock) -> None:
    early = await _sent(mcp, terms_days=10)          # due 2026-11-12
    clock.advance(days=30)
    late = await _sent(mcp, terms_days=5)            # sent 2026-12-02, due 2026-12-07
    await _sent(mcp, terms_days=30)                  # due 2027-01-01: current
    assert (await mcp.call("invoicing_check_overdue"))["newly_overdue"] == [early["number"]]
    assert (await mcp.call("invoicing_check_overdue"))["newly_overdue"] == []
    first = await mcp.call("invoicing_send_reminders", confirm=True)
    assert first["reminded"] == [early["number"]]
    body = await business.store.fetchval("SELECT subject FROM outbox WHERE purpose = ?", (f"dunning:{early['id']}",))
    assert body.startswith("Second notice")  # 20 days overdue
    clock.advance(days=3)
    assert (await mcp.call("invoicing_send_reminders", confirm=True))["skipped_recent"] == [early["number"]]
    clock.advance(days=40)  # 2027-01-14
    await mcp.call("invoicing_check_overdue")
    aging = {b["bucket"]: b for b in (await mcp.call("invoicing_ar_aging"))["buckets"]}
    assert aging["61-90"]["invoices"] == 1 and aging["31-60"]["invoices"] == 1 and aging["1-30"]["invoices"] == 1
    assert aging["current"]["invoices"] == 0
    assert aging["61-90"]["outstanding_cents"] == 48_660
    final = await mcp.call("invoicing_send_reminders", confirm=True)
    assert late["number"] in final["reminded"]
