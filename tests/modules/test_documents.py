"""What a customer receives, checked as a recipient would: the MIME message off a real SMTP server, and
the PDF read back with a PDF library (text extraction), not our own renderer's idea of it."""

from __future__ import annotations

import base64
import hashlib
import io
from email.message import Message
from email.utils import parseaddr
from typing import Any

import pytest
from pypdf import PdfReader

from server.app import App
from server.demo import seed_demo
from server.testing import McpHarness, smtp_sink

pytestmark = pytest.mark.anyio

CUSTOMER = {"customer": "Smith & <Sons> Dvořák GmbH", "customer_email": "ap@smith.example",
            "customer_address": "Hafenstraße 12\n20457 Hamburg\nGermany", "customer_tax_id": "DE136695976"}
# Three tax rates, two discounts, in dollars for a business that keeps its books in pounds.
LINES = [{"description": "Design sprint (days)", "quantity": 5, "unit_price_cents": 90_000, "discount_percent": 10},
         {"description": "Printed brochures", "quantity": 250, "unit_price_cents": 120, "tax_rate_percent": 5},
         {"description": "Training (hours)", "quantity": 2.5, "unit_price_cents": 8_000, "tax_rate_percent": 0,
          "discount_percent": 50}]


def pdf_text(data: bytes) -> str:
    """The text a reader copies out of the PDF (no-break spaces, as between 20 and %, read as spaces)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\xa0", " ")


async def resource_bytes(mcp: McpHarness, uri: str) -> bytes:
    read = await mcp.client.read_resource(uri)
    [content] = read.contents
    assert content.mime_type == "application/pdf"
    return base64.b64decode(content.blob)  # type: ignore[union-attr]


async def deliver(app: App, mcp: McpHarness) -> list[Message]:
    async with smtp_sink() as sink:
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "mail@harborlane.example"})
        report = await mcp.call("email_deliver_outbox")
        assert report["failed"] == 0 and report["requeued"] == 0, report
    return sink.messages


def parts(message: Message) -> dict[str, Any]:
    """What a mail client sees: the text, the HTML and the attachments of a received message."""
    assert isinstance(message, Message)
    found: dict[str, Any] = {"files": {}}
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            continue
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if part.get_filename():
            found["files"][part.get_filename()] = (part.get_content_type(), payload)
        else:
            found[part.get_content_type()] = payload.decode(part.get_content_charset() or "utf-8")
    return found


async def test_an_invoice_arrives_as_html_and_text_with_its_pdf_and_every_legal_field(
        app: App, mcp: McpHarness) -> None:
    await seed_demo(app)  # the demo business: Harbor Lane Studio Ltd, in pounds, en_GB
    draft = await mcp.call("invoicing_create_invoice", **CUSTOMER, lines=LINES, tax_rate_percent=20, currency="USD",
                           terms_days=30)
    # 405,000 net at 20 % (81,000) + 30,000 at 5 % (1,500) + 10,000 at 0 %: 446,500 + 82,500 tax.
    assert [(t["rate_percent"], t["net_cents"], t["tax_cents"]) for t in draft["taxes"]] == [
        (20, 405_000, 81_000), (5, 30_000, 1_500), (0, 10_000, 0)]
    assert (draft["subtotal_cents"], draft["tax_cents"], draft["total_cents"]) == (445_000, 82_500, 527_500)
    sent = await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    number = sent["number"]
    [message] = await deliver(app, mcp)

    # The envelope: the business's name as the sender, its contact address for replies, one Message-ID.
    assert parseaddr(message["From"]) == ("Harbor Lane Studio", "mail@harborlane.example")
    assert message["Reply-To"] == "billing@harborlane.example" and message["To"] == CUSTOMER["customer_email"]
    assert message["Subject"] == f"Invoice {number} from Harbor Lane Studio" and message["Message-ID"]
    assert message.get_content_type() == "multipart/mixed"
    alternative = message.get_payload()[0]  # type: ignore[index]
    assert isinstance(alternative, Message)
    assert [p.get_content_type() for p in alternative.get_payload()] == [  # type: ignore[union-attr]
        "text/plain", "text/html"]
    received = parts(message)
    text, html = received["text/plain"], received["text/html"]
    assert "US$5,275.00" in text and "due on 2 Dec 2026" in text and "IBAN: GB33 BUKB 2020 1555 5555 55" in text
    assert "**" not in text and "|" not in text  # no Markdown source
    # The HTML: the customer's name escaped, inline styles only, the pay button, the legal footer.
    assert "Hello Smith &amp; &lt;Sons&gt; Dvořák GmbH," in html and "<Sons>" not in html
    assert "<style" not in html and "<script" not in html and 'href="https://pay.harborlane.example/invoices"' in html
    assert "Company no. 09876543" in html and "VAT / tax no. GB980780684" in html

    # The attachment is the archived document, byte for byte, and holds every field.
    [(filename, (mime, pdf))] = received["files"].items()
    assert (filename, mime) == (f"{number}.pdf", "application/pdf")
    document = await mcp.call("invoicing_pdf", invoice_id=draft["id"])
    assert document["file"]["sha256"] == hashlib.sha256(pdf).hexdigest() == document["document"]["sha256"]
    assert await resource_bytes(mcp, document["file"]["uri"]) == pdf
    raw = await mcp.client.call_tool("invoicing_pdf", {"invoice_id": draft["id"]})
    [link] = [c for c in raw.content if c.type == "resource_link"]  # what a host offers to open or save
    assert (link.uri, link.name, link.mime_type, link.size) == (document["file"]["uri"], f"{number}.pdf",
                                                               "application/pdf", len(pdf))
    page = pdf_text(pdf)
    for field in ("INVOICE", number, "Harbor Lane Studio Ltd", "12 Narrow Quay", "BS1 4QA Bristol", "United Kingdom",
                  "GB980780684", "09876543", "Smith & <Sons> Dvořák GmbH", "Hafenstraße 12", "20457 Hamburg",
                  "VAT ID: DE136695976", "Issue date 2 Nov 2026", "Due date 2 Dec 2026", "Currency USD",
                  "Design sprint (days) 5 US$900.00 10 % 20 % US$4,050.00",
                  "Printed brochures 250 US$1.20 5 % US$300.00", "Training (hours) 2.5 US$80.00 50 % 0 % US$100.00",
                  "Subtotal US$4,450.00", "Tax 20 % on US$4,050.00 US$810.00", "Tax 5 % on US$300.00 US$15.00",
                  "Tax 0 % on US$100.00 US$0.00", "Total US$5,275.00", "Please pay US$5,275.00 by 2 Dec 2026.",
                  "IBAN GB33 BUKB 2020 1555 5555 55", "BIC BUKBGB22", f"Reference: {number}",
                  "Pay online: https://pay.harborlane.example/invoices", "Late Payment of Commercial Debts",
                  "billing@harborlane.example", "Page 1 of 1"):
        assert field in page, f"{field!r} is not on the invoice:\n{page}"
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1  # the logo

    # A sent document never changes; a credit note corrects it, numbered, split over the tax rates.
    credited = await mcp.call("invoicing_credit_note", invoice_id=draft["id"], amount_cents=52_750,
                              reason="Ten per cent goodwill", confirm=True)
    note = credited["credit_note"]
    assert note["number"] == "CN-2026-0001" and credited["invoice"]["balance_cents"] == 527_500 - 52_750
    assert await resource_bytes(mcp, document["file"]["uri"]) == pdf
    assert (await mcp.call("invoicing_pdf", invoice_id=draft["id"]))["file"]["sha256"] == document["file"]["sha256"]
    [mail] = await deliver(app, mcp)
    [(name, (_, credit_pdf))] = parts(mail)["files"].items()
    assert name == "CN-2026-0001.pdf" and mail["Subject"] == f"Credit note CN-2026-0001 for invoice {number}"
    credit = pdf_text(credit_pdf)
    for field in ("CREDIT NOTE", "CN-2026-0001", f"Corrects invoice {number}", "Ten per cent goodwill",
                  "Total credited -US$527.50", "GB980780684", "Smith & <Sons> Dvořák GmbH"):
        assert field in credit, f"{field!r} is not on the credit note:\n{credit}"
    # 52,750 split in proportion to each rate's gross: 48,600 / 31,500 / 10,000 of 527,500.
    assert "Tax 20 % on -US$405.00 -US$81.00" in credit and "Tax 5 % on -US$30.00 -US$1.50" in credit
    got = await mcp.call("business_document_get", number="CN-2026-0001")
    assert got["file"]["sha256"] == hashlib.sha256(credit_pdf).hexdigest()
    listed = await mcp.call("business_documents_list", kind="invoice", number=number)
    assert [d["number"] for d in listed["items"]] == [number]


async def test_nothing_goes_out_and_no_number_is_used_while_the_profile_is_incomplete(
        app: App, mcp: McpHarness) -> None:
    draft = await mcp.call("invoicing_create_invoice", **CUSTOMER, lines=LINES[:1],
                           tax_rate_percent=19)
    refused = await mcp.error("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    assert "legal_name" in refused and "iban or payment_link" in refused and "business_profile_update" in refused
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox") == 0
    assert await app.store.fetchval("SELECT COUNT(*) FROM business_documents WHERE status = 'issued'") == 0
    preview = await mcp.call("invoicing_pdf", invoice_id=draft["id"])  # a draft can be looked at all the same
    assert preview["document"]["status"] == "preview" and "DRAFT" in pdf_text(
        await resource_bytes(mcp, preview["file"]["uri"]))
    await mcp.call("business_profile_update", legal_name="Müller & Dvořák GmbH", address_line1="Jungfernstieg 1",
                   postal_code="20095", city="Hamburg", country="DE", tax_id="DE136695976",
                   iban="DE89 3704 0044 0532 0130 00", locale="de_DE", currency="EUR", confirm=True)
    sent = await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    assert sent["number"] == "INV-2026-0001"  # the refused attempt used no number
    page = pdf_text(await resource_bytes(mcp, sent["document_uri"]))
    # German formats: amounts with a decimal comma and the euro sign after, dates as dd.mm.yyyy.
    for field in ("Müller & Dvořák GmbH", "Deutschland", "02.11.2026", "16.11.2026", "4.050,00 €", "769,50 €",
                  "4.819,50 €", "DE89 3704 0044 0532 0130 00"):
        assert field in page, f"{field!r} is not on the invoice:\n{page}"


async def test_a_quote_and_a_reminder_arrive_with_their_documents(business: App, mcp: McpHarness) -> None:
    quote = await mcp.call("quotes_create_quote", customer="Ada Shop", customer_email="ada@shop.example",
                           lines=[{"description": "Website redesign", "quantity": 1, "unit_price_cents": 480_000}],
                           tax_rate_percent=20, notes="Includes two rounds of changes.")
    preview = await mcp.call("quotes_pdf", quote_id=quote["id"])
    assert preview["document"]["status"] == "preview"
    await mcp.call("quotes_send_quote", quote_id=quote["id"], confirm=True)
    invoice = await mcp.call("invoicing_create_invoice", customer="Ada Shop", customer_email="ada@shop.example",
                             lines=[{"description": "Hosting", "quantity": 1, "unit_price_cents": 10_000}],
                             terms_days=0)
    await mcp.call("invoicing_send_invoice", invoice_id=invoice["id"], confirm=True)
    await business.store.execute("UPDATE invoicing_invoices SET status = 'overdue', due_date = '2026-10-20' "
                                 "WHERE id = ?", (invoice["id"],))
    assert (await mcp.call("invoicing_send_reminders", confirm=True))["reminded"] == ["INV-2026-0001"]
    quote_mail, invoice_mail, reminder_mail = await deliver(business, mcp)
    [(name, (_, pdf))] = parts(quote_mail)["files"].items()
    page = pdf_text(pdf)
    assert name == "Q-2026-0001.pdf" and "QUOTE" in page and "Valid until 2 Dec 2026" in page
    assert "Includes two rounds of changes." in page and "Total €5,760.00" in page
    assert (await mcp.call("quotes_pdf", quote_id=quote["id"]))["file"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    reminder = parts(reminder_mail)
    assert sorted(reminder["files"]) == ["INV-2026-0001-R1.pdf", "INV-2026-0001.pdf"]
    assert reminder["files"]["INV-2026-0001.pdf"] == parts(invoice_mail)["files"]["INV-2026-0001.pdf"]
    letter = pdf_text(reminder["files"]["INV-2026-0001-R1.pdf"][1])
    assert "FRIENDLY REMINDER" in letter and "Days overdue 13" in letter and "Balance due £100.00" in letter
    assert reminder_mail["Subject"] == "Friendly reminder: invoice INV-2026-0001"


async def test_the_owner_rewords_the_invoice_email_and_values_stay_escaped(business: App, mcp: McpHarness) -> None:
    listed = {t["name"]: t for t in (await mcp.call("email_list_templates"))["items"]}
    assert listed["invoice"]["system"] and not listed["invoice"]["customized"]
    assert "cannot fill iban" in await mcp.error("email_update_template", name="invoice", body="Pay {{iban}}")
    await mcp.call("email_update_template", name="invoice",
                   body="Dear {{customer}},\n\nour invoice {{number}} over {{amount}} is attached.\n\n{{business}}")
    draft = await mcp.call("invoicing_create_invoice", customer="<b>Ben & Jerry's</b>", customer_email="b@j.example",
                           lines=[{"description": "Ice", "quantity": 1, "unit_price_cents": 500}])
    await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)
    [message] = await deliver(business, mcp)
    received = parts(message)
    assert received["text/plain"].startswith("Dear <b>Ben & Jerry's</b>,")
    assert "Dear &lt;b&gt;Ben &amp; Jerry&#x27;s&lt;/b&gt;," in received["text/html"]
    reset = await mcp.call("email_update_template", name="invoice", reset=True)
    assert reset["body"].startswith("Hello {{customer}}") and not reset["customized"]


async def test_confirmations_and_newsletters_read_well_too(business: App, mcp: McpHarness) -> None:
    service = await mcp.call("bookings_create_service", name="Consultation", duration_minutes=60, buffer_minutes=0)
    await mcp.call("bookings_set_hours", weekday="tuesday", opens="09:00", closes="17:00")
    await mcp.call("bookings_book", service_id=service["id"], starts_at="2026-11-03T10:00:00+00:00",
                   customer_name="Zoë Ångström", customer_email="zoe@example.com")
    webinar = await mcp.call("webinars_schedule", title="Spring launch", starts_at="2026-11-10T16:00:00+00:00",
                             capacity=1)
    await mcp.call("webinars_register", webinar_id=webinar["id"], email="zoe@example.com")
    subscriber = await mcp.call("newsletter_subscribe", email="zoe@example.com")
    token = await business.store.fetchval("SELECT token FROM newsletter_subscribers WHERE id = ?", (subscriber["id"],))
    await mcp.call("newsletter_confirm", token=token)
    campaign = await mcp.call("newsletter_create_campaign", subject="Autumn news",
                              body="We moved to a bigger studio.\n\nSee https://harborlane.example/news & say hi.")
    await mcp.call("newsletter_send_campaign", campaign_id=campaign["id"], confirm=True)
    booking, seat, confirm, news = await deliver(business, mcp)
    for message in (booking, seat, confirm, news):
        assert parseaddr(message["From"])[0] == "Harbor Lane Studio"
        assert message["Reply-To"] == "billing@harborlane.example"
        assert [p.get_content_type() for p in message.walk()] == ["multipart/alternative", "text/plain", "text/html"]
    # Times in the business's zone (Europe/London) and locale.
    assert booking["Subject"] == "Booked: Consultation on 3 Nov 2026, 10:00 (GMT)"
    assert "Hello Zoë Ångström," in parts(booking)["text/html"]
    assert seat["Subject"] == "Registered: Spring launch" and "Your seat is confirmed." in parts(seat)["text/plain"]
    assert token in parts(confirm)["text/plain"]
    html = parts(news)["text/html"]
    assert news["Subject"] == "Autumn news"
    assert 'href="https://harborlane.example/news"' in html and "&amp; say hi." in html
    assert "12 Narrow Quay" in html and "reply UNSUBSCRIBE" in html and "reply UNSUBSCRIBE" in parts(news)["text/plain"]
