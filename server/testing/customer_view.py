"""``python -m server.testing.customer_view DIR``: what a customer receives, as two pictures.

On a throw-away instance with the demo data (``seed-demo``: the demo business and its logo), an
invoice with three tax rates and a discount is sent to a customer; the outbox is delivered to a
real SMTP server on 127.0.0.1 (``smtp_sink``); the received message is parsed as a mail client
would, its HTML part shown under the headers a client shows, and its PDF attachment opened in
Chromium's viewer. Writes ``DIR/email.png``, ``DIR/invoice.png`` and ``DIR/invoice.pdf`` (the
README's pictures come from here; the browser test photographs the same).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from email.message import Message
from email.utils import parseaddr
from html import escape
from pathlib import Path

from server.testing.browser import Browser

CUSTOMER = {"customer": "Blue Harbor Studio GmbH", "customer_email": "tom@blueharbor.example",
            "customer_address": "Hafenstraße 12\n20457 Hamburg\nGermany", "customer_tax_id": "DE136695976",
            "currency": "EUR", "tax_rate_percent": 20, "terms_days": 30,
            "lines": [{"description": "Design sprint (days)", "quantity": 5, "unit_price_cents": 90_000,
                       "discount_percent": 10},
                      {"description": "Printed brochures, 250 copies", "quantity": 1, "unit_price_cents": 30_000,
                       "tax_rate_percent": 5},
                      {"description": "Workshop travel (zero-rated)", "quantity": 1, "unit_price_cents": 12_500,
                       "tax_rate_percent": 0}]}


async def send_invoice(db: Path | str) -> Message:
    """The demo business sends one invoice; the message as the customer's mail server received it."""
    from server.assembly import open_app
    from server.demo import seed_demo
    from server.testing import smtp_sink

    async with open_app(db, retry_delay_s=0) as app, smtp_sink() as sink:
        await seed_demo(app)
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "mail@harborlane.example"})
        draft = await app.executor.call("invoicing_create_invoice", CUSTOMER, caller="cli")
        assert draft.output is not None, draft.message
        sent = await app.executor.call("invoicing_send_invoice", {"invoice_id": draft.output["id"], "confirm": True},
                                       caller="cli")
        assert sent.ok, sent.message
        delivered = await app.executor.call("email_deliver_outbox", {}, caller="cli")
        assert delivered.ok and (delivered.output or {}).get("sent") == 1, delivered.message
        return sink.messages[-1]


def html_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("the message has no HTML part")


def attachment(message: Message) -> tuple[str, bytes]:
    for part in message.walk():
        if part.get_filename():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return part.get_filename() or "", payload
    raise AssertionError("the message has no attachment")


def in_mail_client(message: Message) -> str:
    """The HTML part under the header lines a mail client shows (From, To, Subject, the attachment)."""
    name, address = parseaddr(message["From"])
    filename, data = attachment(message)
    rows = [("From", f"{name} <{address}>"), ("Reply-To", message["Reply-To"]), ("To", message["To"]),
            ("Subject", message["Subject"]), ("Attached", f"{filename} ({len(data) // 1024} KB)")]
    header = "".join(f'<div style="margin:2px 0;"><span style="color:#6c757d;display:inline-block;width:80px;">'
                     f"{escape(k)}</span>{escape(str(v))}</div>" for k, v in rows)
    bar = (f'<div style="font:13px -apple-system,Segoe UI,Helvetica,Arial,sans-serif;background:#fff;'
           f'border-bottom:1px solid #e5e7eb;padding:12px 20px;">{header}</div>')
    html = html_part(message)
    at = html.index(">", html.index("<body")) + 1
    return html[:at] + bar + html[at:]


async def photograph(message: Message, folder: Path) -> tuple[Path, Path, str]:
    """(email.png, invoice.png, the text the email shows) in ``folder``; the PDF is left beside them."""
    _, pdf = attachment(message)
    pdf_path = folder / "invoice.pdf"
    await asyncio.to_thread(pdf_path.write_bytes, pdf)
    async with Browser() as browser:
        seen = await browser.html(in_mail_client(message), folder / "email.png", width=680)
        await browser.pdf(pdf_path, folder / "invoice.png", width=760)
    return folder / "email.png", folder / "invoice.png", seen


def _compact(path: Path) -> None:
    """A palette PNG: the README's pictures stay small in the repository (a page is mostly white and grey)."""
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=48, dither=Image.Dither.NONE).save(path, optimize=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m server.testing.customer_view DIR\n")
        return 2
    folder = Path(argv[0]).resolve()
    folder.mkdir(parents=True, exist_ok=True)

    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            message = await send_invoice(Path(tmp) / "demo.db")
        for path in (await photograph(message, folder))[:2]:
            _compact(path)
            sys.stdout.write(f"wrote {path} ({path.stat().st_size // 1024} KB)\n")

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
