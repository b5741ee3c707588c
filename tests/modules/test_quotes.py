from __future__ import annotations

import json
from typing import Any

import pytest

from server.app import App
from server.testing import FakeClock, McpHarness

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("business")]  # quotes go out with the seller's identity

LINES = [{"description": "Consulting", "quantity": 3, "unit_price_cents": 12_000},
         {"description": "Travel", "quantity": 1, "unit_price_cents": 4_550}]


async def _draft(mcp: McpHarness, **extra: object) -> dict[str, Any]:
    args: dict[str, object] = {"customer": "Northwind", "customer_email": "ap@northwind.example", "lines": LINES,
                               "tax_rate_percent": 20, **extra}
    draft: dict[str, Any] = await mcp.call("quotes_create_quote", **args)
    return draft


async def _sent(mcp: McpHarness, **extra: object) -> dict[str, Any]:
    draft = await _draft(mcp, **extra)
    sent: dict[str, Any] = await mcp.call("quotes_send_quote", quote_id=draft["id"], confirm=True)
    return sent


async def _events(app: App, name: str) -> list[dict[str, Any]]:
    rows = await app.store.fetchall("SELECT payload FROM events WHERE name = ? ORDER BY id", (name,))
    return [json.loads(r["payload"]) for r in rows]


async def test_draft_edits_then_sending_numbers_and_emails_the_document(app: App, mcp: McpHarness) -> None:
    draft = await _draft(mcp, notes="Two workshops on site.")
    assert (draft["subtotal_cents"], draft["tax_cents"], draft["total_cents"]) == (40_550, 8_110, 48_660)
    assert (draft["status"], draft["number"], draft["valid_until"]) == ("draft", None, "2026-12-02")
    travel = draft["lines"][1]["id"]
    edited = await mcp.call("quotes_edit_draft", quote_id=draft["id"], remove_line_ids=[travel], tax_rate_percent=10,
                            add=[{"description": "Workshop", "quantity": 2, "unit_price_cents": 50_000}])
    assert [ln["description"] for ln in edited["lines"]] == ["Consulting", "Workshop"]
    assert (edited["subtotal_cents"], edited["tax_cents"], edited["total_cents"]) == (136_000, 13_600, 149_600)

    assert "confirmation_required" in await mcp.error("quotes_send_quote", quote_id=draft["id"])
    sent = await mcp.call("quotes_send_quote", quote_id=draft["id"], confirm=True)
    assert (sent["number"], sent["status"], sent["sent_at"]) == ("Q-2026-0001", "sent", "2026-11-02T09:00:00+00:00")
    assert (await _sent(mcp))["number"] == "Q-2026-0002"
    mail = await app.store.fetchone("SELECT recipient, subject, body, status FROM outbox WHERE purpose = ?",
                                    (f"quote:{draft['id']}",))
    assert mail is not None
    assert (mail["recipient"], mail["subject"], mail["status"]) == (
        "ap@northwind.example", "Quote Q-2026-0001 from Harbor Lane Studio", "pending")
    assert "€1,496.00" in mail["body"] and "valid until 2 Dec 2026" in mail["body"]  # the business's locale
    document = (await mcp.call("quotes_render", quote_id=draft["id"]))["markdown"]
    assert "| Workshop | 2 | EUR 500.00 | EUR 1,000.00 |" in document
    assert "| **Total** | **EUR 1,496.00** |" in document and "valid until 2026-12-02" in document
    assert "Two workshops on site." in document
    assert [e["number"] for e in await _events(app, "quote.sent")] == ["Q-2026-0001", "Q-2026-0002"]

    # Sent quotes are frozen: no edits, no second send.
    assert "only draft quotes can be edited" in await mcp.error("quotes_edit_draft", quote_id=draft["id"],
                                                               notes="changed")
    assert "only draft quotes can be sent" in await mcp.error("quotes_send_quote", quote_id=draft["id"], confirm=True)


async def test_acceptance_makes_one_draft_invoice_with_the_same_total(app: App, mcp: McpHarness) -> None:
    quote = await _sent(mcp, terms_days=30)
    accepted = await mcp.call("quotes_accept_quote", quote_id=quote["id"])
    assert accepted["status"] == "accepted" and accepted["invoice_id"] is not None
    invoices = await mcp.call("invoicing_list", status="draft")
    assert [i["id"] for i in invoices["items"]] == [accepted["invoice_id"]]
    invoice = invoices["items"][0]
    assert (invoice["customer"], invoice["customer_email"], invoice["currency"]) == (
        "Northwind", "ap@northwind.example", "EUR")
    assert (invoice["subtotal_cents"], invoice["tax_cents"], invoice["total_cents"]) == (40_550, 8_110, 48_660)
    assert [ln["description"] for ln in invoice["lines"]] == ["Consulting", "Travel"]
    # The invoice is a normal invoicing draft: its own send gives it the quote's payment terms.
    issued = await mcp.call("invoicing_send_invoice", invoice_id=accepted["invoice_id"], confirm=True)
    assert issued["due_date"] == "2026-12-02"

    again = await mcp.error("quotes_accept_quote", quote_id=quote["id"])
    assert "already accepted" in again and f"invoice {accepted['invoice_id']}" in again
    assert (await mcp.call("invoicing_list"))["total"] == 1
    assert [e["invoice_id"] for e in await _events(app, "quote.accepted")] == [accepted["invoice_id"]]
    assert "only sent quotes can be declined" in await mcp.error("quotes_decline_quote", quote_id=quote["id"])
    assert "only sent or declined or expired" in await mcp.error("quotes_revise_quote", quote_id=quote["id"])


async def test_a_failed_conversion_leaves_neither_invoice_nor_status(app: App, mcp: McpHarness) -> None:
    quote = await _sent(mcp)
    # Break invoicing's lines table for this one call: the invoice row must roll back with it.
    await app.store.execute("ALTER TABLE invoicing_lines RENAME TO invoicing_lines_away")
    try:
        await mcp.error("quotes_accept_quote", quote_id=quote["id"])
    finally:
        await app.store.execute("ALTER TABLE invoicing_lines_away RENAME TO invoicing_lines")
    assert (await mcp.call("invoicing_list"))["total"] == 0
    assert (await mcp.call("quotes_render", quote_id=quote["id"]))["markdown"].count("**Status:** sent") == 1
    assert (await mcp.call("quotes_accept_quote", quote_id=quote["id"]))["status"] == "accepted"


async def test_revisions_keep_the_number_and_the_history(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    first = await _sent(mcp)
    clock.advance(days=3)
    revision = await mcp.call("quotes_revise_quote", quote_id=first["id"])
    assert (revision["status"], revision["number"], revision["revision"], revision["previous_id"]) == (
        "draft", "Q-2026-0001", 2, first["id"])
    assert revision["valid_until"] == "2026-12-05" and revision["total_cents"] == first["total_cents"]
    old = await mcp.call("quotes_list", status="superseded")
    assert [(q["id"], q["status"]) for q in old["items"]] == [(first["id"], "superseded")]
    assert "accept that revision" in await mcp.error("quotes_accept_quote", quote_id=first["id"])
    assert "already revised" in await mcp.error("quotes_revise_quote", quote_id=first["id"])

    await mcp.call("quotes_edit_draft", quote_id=revision["id"], remove_line_ids=[revision["lines"][1]["id"]])
    sent = await mcp.call("quotes_send_quote", quote_id=revision["id"], confirm=True)
    assert (sent["number"], sent["total_cents"]) == ("Q-2026-0001", 43_200)  # no new number drawn
    subject = await app.store.fetchval("SELECT subject FROM outbox WHERE purpose = ?", (f"quote:{revision['id']}",))
    assert subject == "Quote Q-2026-0001 rev. 2 from Harbor Lane Studio"
    assert "**Replaces:** revision 1" in (await mcp.call("quotes_render", quote_id=revision["id"]))["markdown"]
    assert (await _sent(mcp))["number"] == "Q-2026-0002"

    # The default list hides superseded revisions; a declined offer can still be revised.
    listed = await mcp.call("quotes_list", customer="northwind")
    assert [q["id"] for q in listed["items"]] == [revision["id"] + 1, revision["id"]]
    declined = await mcp.call("quotes_decline_quote", quote_id=revision["id"], reason="Too expensive")
    assert (declined["status"], declined["decline_reason"]) == ("declined", "Too expensive")
    third = await mcp.call("quotes_revise_quote", quote_id=revision["id"], valid_until="2027-01-31")
    assert (third["revision"], third["valid_until"]) == (3, "2027-01-31")
    assert (await mcp.call("quotes_list", status="declined"))["items"][0]["status"] == "declined"


async def test_expiry_check_expires_sent_quotes_once(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    short = await _sent(mcp, valid_until="2026-11-10")
    long = await _sent(mcp, valid_until="2026-12-31")
    await _draft(mcp, valid_until="2026-11-05")  # drafts never expire, they just cannot be sent late
    clock.advance(days=8)                         # 2026-11-10: still valid on its last day
    assert (await mcp.call("quotes_check_expired"))["newly_expired"] == []
    clock.advance(days=1)
    assert "expired on 2026-11-10" in await mcp.error("quotes_accept_quote", quote_id=short["id"])
    assert (await mcp.call("quotes_check_expired"))["newly_expired"] == [short["number"]]
    assert (await mcp.call("quotes_check_expired"))["newly_expired"] == []
    assert [e["id"] for e in await _events(app, "quote.expired")] == [short["id"]]
    statuses = {q["id"]: q["status"] for q in (await mcp.call("quotes_list"))["items"]}
    assert (statuses[short["id"]], statuses[long["id"]]) == ("expired", "sent")
    expiring = await mcp.call("quotes_list", valid_until_before="2026-11-30")
    assert [q["status"] for q in expiring["items"]] == ["draft", "expired"]
    assert "which has passed" in await mcp.error("quotes_send_quote", quote_id=short["id"] + 2, confirm=True)
    assert "Revise it" in await mcp.error("quotes_accept_quote", quote_id=short["id"])
    automations = await app.store.fetchall("SELECT * FROM automations WHERE skill = 'quotes_check_expired'")
    assert len(automations) == 1


async def test_pipeline_summary_and_pagination(mcp: McpHarness) -> None:
    empty = await mcp.call("quotes_pipeline_summary")
    assert (empty["by_status"], empty["acceptance_rate"]) == ([], None)
    await _draft(mcp)
    won = await _sent(mcp)
    lost = await _sent(mcp)
    open_ = await _sent(mcp, currency="USD")
    await mcp.call("quotes_accept_quote", quote_id=won["id"])
    await mcp.call("quotes_decline_quote", quote_id=lost["id"])
    revised = await mcp.call("quotes_revise_quote", quote_id=open_["id"])  # the USD offer counts once
    summary = await mcp.call("quotes_pipeline_summary")
    assert [(v["status"], v["currency"], v["quotes"]) for v in summary["by_status"]] == [
        ("draft", "EUR", 1), ("draft", "USD", 1), ("accepted", "EUR", 1), ("declined", "EUR", 1)]
    assert [(v["currency"], v["total_cents"]) for v in summary["open_value"]] == [("EUR", 48_660), ("USD", 48_660)]
    assert (summary["decided"], summary["accepted"], summary["acceptance_rate"]) == (2, 1, 0.5)
    assert (await mcp.call("quotes_pipeline_summary", since="2026-11-03"))["by_status"] == []

    page = await mcp.call("quotes_list", limit=2, offset=1)
    assert (page["total"], len(page["items"]), page["items"][0]["id"]) == (4, 2, lost["id"])
    assert (await mcp.call("quotes_list", status="accepted"))["items"][0]["invoice_id"] is not None
    assert revised["currency"] == "USD"


async def test_bad_input_is_refused_with_what_to_fix(mcp: McpHarness) -> None:
    linked = await _draft(mcp)
    assert "customer_email" in await mcp.error("quotes_create_quote", customer="Acme", customer_email="nope",
                                               lines=LINES)
    assert "lines" in await mcp.error("quotes_create_quote", customer="Acme", customer_email="a@acme.example",
                                      lines=[])
    assert "in the past" in await mcp.error("quotes_create_quote", customer="Acme", customer_email="a@acme.example",
                                            lines=LINES, valid_until="2026-10-01")
    assert "no quote with id 999" in await mcp.error("quotes_render", quote_id=999)
    assert "nothing to change" in await mcp.error("quotes_edit_draft", quote_id=linked["id"])
    assert "are not on draft quote" in await mcp.error("quotes_edit_draft", quote_id=linked["id"],
                                                       remove_line_ids=[999])
    ids = [ln["id"] for ln in linked["lines"]]
    assert "at least one line" in await mcp.error("quotes_edit_draft", quote_id=linked["id"], remove_line_ids=ids)
    free = await _draft(mcp, lines=[{"description": "Intro call", "quantity": 1, "unit_price_cents": 0}])
    assert "totals zero" in await mcp.error("quotes_send_quote", quote_id=free["id"], confirm=True)
    assert "Send it first" in await mcp.error("quotes_accept_quote", quote_id=free["id"])
    assert "Edit a draft directly" in await mcp.error("quotes_revise_quote", quote_id=free["id"])
