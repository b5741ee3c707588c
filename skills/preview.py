"""What a call would do, said before it runs: a skill's preview (``@skill(preview=...)``).

A person deciding an approval or a proposal sees its consequence in plain words, not the raw
arguments: "Email 3 customers about 4 overdue invoices, EUR 6,230.00 in total", then one line per
recipient or record, each naming the record it concerns (a link in the cockpit). A caller can ask
for the same as a dry run.

A preview hook is an async function with the skill's own parameters that *reads* and returns a
``Preview``; share the selection with the handler (which invoices are due a reminder...) so the
two never disagree. The server runs it on a read-only database, with no network and no model:
a hook that tries to write fails. A skill without a hook gets a generic preview: the title with
the arguments in words, and the records its ``targets`` name.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from pydantic import Field

from skills.money import format_money
from skills.record import Record


class RecordRef(Record):
    """A record a call concerns: its table, its id and how a person names it ("invoice INV-2026-0007")."""

    table: str
    id: int
    label: str


class PreviewLine(Record):
    """One consequence: who receives what, which record changes, and how."""

    text: str
    record: RecordRef | None = None


class Preview(Record):
    """A call's consequence, computed without side effects."""

    summary: str  # one sentence in plain words: what happens, to whom, how much
    lines: list[PreviewLine] = Field(default_factory=list)  # one per recipient or record concerned
    note: str | None = None  # what it leaves alone, or why the call would be refused

    def text(self, limit: int = 10) -> str:
        """The preview as plain text: the summary, then up to ``limit`` lines (for notifications, the CLI)."""
        shown = [f"- {line.text}" for line in self.lines[:limit]]
        if len(self.lines) > limit:
            shown.append(f"- ... and {len(self.lines) - limit} more")
        return "\n".join([self.summary, *shown, *([self.note] if self.note else [])])


PreviewHook = Callable[..., Awaitable[Preview]]


def consequence(text: str, table: str | None = None, record_id: int | None = None, label: str = "") -> PreviewLine:
    """A line, naming its record when ``table`` and ``record_id`` are given."""
    if table is None or record_id is None:
        return PreviewLine(text=text)
    return PreviewLine(text=text, record=RecordRef(table=table, id=record_id, label=label or f"{table} #{record_id}"))


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 invoice``, ``3 invoices``."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def total(amounts: Iterable[tuple[int, str]]) -> str:
    """Cents per currency, added up and said: ``EUR 6,230.00`` or ``EUR 100.00 and USD 50.00``."""
    sums: dict[str, int] = {}
    for cents, currency in amounts:
        sums[currency] = sums.get(currency, 0) + cents
    return " and ".join(format_money(cents, currency) for currency, cents in sorted(sums.items())) or "nothing"


def check_hook(label: str, hook: Any, params: tuple[str, ...]) -> None:
    """A preview hook is async and takes ``ctx`` and exactly the skill's parameters (raises ValueError)."""
    if not inspect.iscoroutinefunction(hook):
        raise ValueError(f"skill {label}: preview {getattr(hook, '__qualname__', hook)!r} must be an async function")
    names = list(inspect.signature(hook).parameters)
    if names[:1] != ["ctx"] or tuple(names[1:]) != params:
        raise ValueError(f"skill {label}: preview {hook.__qualname__} must take (ctx, {', '.join(params)}) like the "
                         f"skill, not ({', '.join(names)})")
