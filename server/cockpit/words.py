"""The cockpit in words: ages, a call's result, a decision's outcome, as an owner reads them.

Plain text only (render.py escapes it, after any cut, so a cut never leaves half an entity):
``3 min ago`` rather than an ISO stamp (the moment itself is the hover title), "#3 ada@example.com,
status new" rather than the JSON a skill returned.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

NAMES = ("number", "title", "name", "subject", "email", "customer", "party", "to", "skill")
PARTS = 4  # fields a result names at most
SHOWN = 3  # items of a list it names


def ago(since: str | None, now: datetime) -> str:
    """``just now``, ``3 min ago``, ``2 h ago``, ``4 d ago`` (``in 5 min`` for a time to come)."""
    then = _parsed(since, now)
    if then is None:
        return since or ""
    seconds = (now - then).total_seconds()
    ahead, minutes = seconds < 0, int(abs(seconds) // 60)
    if minutes < 1:
        return "just now"
    amount = f"{minutes} min" if minutes < 60 else f"{minutes // 60} h" if minutes < 48 * 60 else f"{minutes // 1440} d"
    return f"in {amount}" if ahead else f"{amount} ago"


def moment(value: str | None, now: datetime) -> str:
    """The absolute time, as a person reads it: ``2026-11-02 09:07 UTC``."""
    then = _parsed(value, now)
    if then is None:
        return value or ""
    return then.strftime("%Y-%m-%d %H:%M ") + (then.tzname() or "UTC")


def _parsed(value: str | None, now: datetime) -> datetime | None:
    if not value:
        return None
    try:
        then = datetime.fromisoformat(value)
    except ValueError:
        return None
    return then.replace(tzinfo=now.tzinfo) if then.tzinfo is None else then


def result(text: str | None) -> str:
    """A call's stored result (JSON, possibly cut) as words: what it names and counts."""
    if not text:
        return ""
    try:
        value = json.loads(text)
    except ValueError:  # cut in the middle by the log's cap, or plain text already
        return text if not text.lstrip().startswith(("{", "[")) else _salvage(text)
    return said(value)


def said(value: Any) -> str:
    """Any JSON value in words."""
    if isinstance(value, dict):
        return _record(value)
    if isinstance(value, list):
        return _items(value)
    return "" if value is None else str(value)


def _record(value: dict[str, Any]) -> str:
    if isinstance(value.get("summary"), str):
        return str(value["summary"])
    if isinstance(value.get("items"), list) and "total" in value:
        return f"{value['total']} found" + (f": {_items(value['items'])}" if value["items"] else "")
    named = next((k for k in NAMES if isinstance(value.get(k), str | int) and value.get(k) != ""), None)
    head = " ".join(p for p in (f"#{value['id']}" if "id" in value else "", str(value[named]) if named else "") if p)
    parts = [head] if head else []
    for key, item in value.items():
        if len(parts) >= PARTS:
            break
        if key in ("id", named) or item in (None, "", [], {}) or isinstance(item, dict):
            continue
        if isinstance(item, list):
            parts.append(f"{key.replace('_', ' ')}: {_items(item)}")
        elif not (isinstance(item, str) and len(item) > 80):
            parts.append(f"{key.replace('_', ' ')} {item}")
    return ", ".join(parts) or "done"


def _items(items: list[Any]) -> str:
    shown = [(_record(i) if isinstance(i, dict) else str(i)) for i in items[:SHOWN]]
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return "; ".join(shown) + more


def _salvage(text: str) -> str:
    """A JSON text cut short: its readable start, without quotes and braces."""
    plain = text.replace('","', ", ").replace('":', " ").translate(str.maketrans("", "", '{}[]"'))
    return plain.rstrip(" ,…") + "…"
