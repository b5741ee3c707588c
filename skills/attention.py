"""What a module wants a person to see: its items that went wrong (a message that could not be sent, a
delivery a receiver kept refusing), shown in the exception cockpit beside a Retry button.

    module = Module(..., attention=Attention(label="email", items=failed_emails,
                                             retry="email_retry_failed", retry_argument="ids"))

The cockpit asks every enabled module that declares one (``items(db, limit)``, newest first) and knows
nothing else of it; its Retry button calls the module's ``retry`` skill with the item's id as
``retry_argument`` (a list parameter gets ``[id]``), as a person would from the CLI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from skills.context import Database


@dataclass(frozen=True, slots=True)
class Flagged:
    """One item that waits for a person: ``title`` says who or what (a recipient, an event),
    ``detail`` what went wrong."""

    id: int
    title: str
    detail: str
    attempts: int = 0


ListFlagged = Callable[[Database, int], Awaitable[Sequence[Flagged]]]


@dataclass(frozen=True, slots=True)
class Attention:
    """A module's exceptions for the cockpit: ``label`` names one item ("email", "webhook delivery")."""

    label: str
    items: ListFlagged
    retry: str | None = None
    retry_argument: str = "id"
