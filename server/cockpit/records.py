"""A record a decision concerns, on a page of its own: ``/cockpit/records/<table>/<id>``.

A request's preview names the invoices, orders or posts it would touch (server/previews.py); each
links here, so a person checks the record before deciding. Only a module's own tables are shown
(``invoicing_invoices``, ``orders``: the table is the module id, or starts with it and ``_``),
never the runtime's (memory, approvals...), and every value goes through the activity log's
redaction, so a webhook endpoint's secret or an API key never reaches the page.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from server import previews
from server.cockpit import static
from server.cockpit.render import BASE, e, short
from server.tables import activity
from skills import Row

if TYPE_CHECKING:
    from server.app import App

_TABLE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
VALUE_CHARS = 2_000


def shown_table(app: App, table: str) -> bool:
    """Whether ``table`` is a module's own table (the only ones a record page shows)."""
    return bool(_TABLE.match(table)) and any(table == m or table.startswith(f"{m}_") for m in app.registry.modules)


async def fetch(app: App, table: str, record_id: int) -> Row | None:
    """The record, redacted; None when the table is not a module's or the row does not exist."""
    if not shown_table(app, table):
        return None
    try:
        row = await app.store.fetchone(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
    except Exception:  # a module table without an id column, or a module that is not installed here
        return None
    return activity.redact(row) if row is not None else None


def _value(value: Any) -> str:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.dumps(json.loads(value), indent=1, ensure_ascii=False)
        except ValueError:
            pass
    return short(value, VALUE_CHARS) if not isinstance(value, str) or "\n" not in value else \
        f"<pre>{e(value[:VALUE_CHARS])}</pre>"


def page(table: str, row: Row, now: datetime) -> str:
    label, detail = previews.row_label(table, row)
    fields = "".join(f"<dt>{e(key.replace('_', ' '))}</dt><dd>{_value(value)}</dd>" for key, value in row.items())
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(label)} - Pilothouse cockpit</title><style>{static.CSS}</style></head><body>"
            f'<header><h1>{e(label)}</h1><p class="lede">{e(detail)} &middot; <code>{e(table)}</code> '
            f"#{int(row.get('id') or 0)}</p></header><main><p><a href=\"{BASE}\">Back to the cockpit</a></p>"
            f'<section aria-label="The record"><dl class="record">{fields}</dl></section>'
            f'<p class="empty">As stored at {e(now.strftime("%Y-%m-%d %H:%M %Z"))}; read only.</p></main>'
            f"</body></html>")
