"""The HTML part of a customer email: the business's letterhead around the template's text.

Simple and inline-styled, the way mail clients (Gmail, Outlook, Apple Mail, phones) render it:
nested tables 600 px wide, styles on each element (no <style> block, no CSS a client strips),
system fonts, no images to be blocked and no script. Every value is HTML-escaped, the owner's
template text included, so a customer called ``<b>Ben & Jerry's</b>`` reads exactly that.
Links in the text (https://...) become clickable; the text part says the same in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
INK, MUTED, BRAND, LINE, PANEL = "#212529", "#6c757d", "#17305c", "#e5e7eb", "#f6f7f9"
# A web address in escaped text: it ends at white space or at an escaped quote or bracket.
URL = re.compile(r"https?://(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s<>\"'])+")


def _linked(escaped: str) -> str:
    return URL.sub(lambda m: f'<a href="{m.group(0)}" style="color:{BRAND};">{m.group(0)}</a>', escaped)


def paragraphs(text: str) -> str:
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return "".join(f'<p style="margin:0 0 14px;">{_linked(escape(b)).replace(chr(10), "<br>")}</p>' for b in blocks)


def _summary(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(
        f'<tr><td style="padding:7px 14px;{FONT}font-size:14px;color:{MUTED};">{escape(label)}</td>'
        f'<td align="right" style="padding:7px 14px;{FONT}font-size:14px;font-weight:bold;color:{INK};">'
        f"{escape(value)}</td></tr>" for label, value in rows)
    return (f'<tr><td style="padding:4px 32px 12px;"><table role="presentation" width="100%" cellpadding="0" '
            f'cellspacing="0" style="border-collapse:collapse;background:{PANEL};border-radius:6px;">{cells}'
            "</table></td></tr>")


def _button(label: str, url: str) -> str:
    return (f'<tr><td style="padding:8px 32px 16px;"><a href="{escape(url)}" style="display:inline-block;'
            f"background:{BRAND};color:#ffffff;text-decoration:none;font-weight:bold;{FONT}font-size:15px;"
            f'padding:12px 24px;border-radius:6px;">{escape(label)}</a></td></tr>')


def page(*, subject: str, business: str, text: str, summary: Sequence[tuple[str, str]] = (),
         action: tuple[str, str] | None = None, attached: Sequence[str] = (), footer: Sequence[str] = (),
         note: str = "", lang: str = "en") -> str:
    """The whole HTML document of one message."""
    parts = [f'<tr><td style="padding:24px 32px 8px;{FONT}font-size:20px;font-weight:bold;color:{BRAND};">'
             f"{escape(business)}</td></tr>" if business else "",
             f'<tr><td style="padding:12px 32px 4px;{FONT}font-size:15px;line-height:1.55;color:{INK};">'
             f"{paragraphs(text)}</td></tr>",
             _summary(summary) if summary else "",
             _button(*action) if action else "",
             f'<tr><td style="padding:0 32px 12px;{FONT}font-size:13px;color:{MUTED};">Attached: '
             f"{escape(', '.join(attached))}</td></tr>" if attached else "",
             f'<tr><td style="padding:0 32px 12px;{FONT}font-size:13px;color:{MUTED};">{_linked(escape(note))}'
             "</td></tr>" if note else "",
             f'<tr><td style="padding:16px 32px 24px;border-top:1px solid {LINE};{FONT}font-size:12px;'
             f'line-height:1.5;color:{MUTED};">{"<br>".join(_linked(escape(f)) for f in footer)}</td></tr>'
             if footer else ""]
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(subject)}</title></head>"
            f'<body style="margin:0;padding:0;background:{PANEL};">'
            f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:{PANEL};">'
            '<tr><td align="center" style="padding:24px 12px;">'
            '<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="width:100%;'
            f'max-width:600px;background:#ffffff;border:1px solid {LINE};border-radius:8px;">'
            f'{"".join(parts)}</table></td></tr></table></body></html>')
