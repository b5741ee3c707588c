"""Outbound messages: what a producer hands the outbox, checked where it is made.

Every email and notification webhook Pilothouse sends starts as an ``Email`` or a ``Webhook``
handed to ``ctx.send(...)`` (a skill) or ``skills.outbox.enqueue(...)`` (the runtime's own
notifications); nothing else writes the outbox. A message is checked when it is built: a header
field (the subject, a name, an address) with a line break or a control character, or an address
the mail library cannot parse, raises ``InvalidMessage`` naming the field. So the call that brought
the bad value fails (the agent's ``email_send``, a template's values, a newsletter's subject, a
webinar's title), with what to fix, and the queue only ever holds messages that can be sent: one
message can never stop the others.

What an email is, is kept to fields the outbox row stores as they are: the plain-text body, an
optional HTML alternative (its own column), the names and reply address in the row's ``headers``,
and files in ``outbox_attachments`` (a retry sends the very bytes first queued). The MIME is built
in one place (modules/email/mime.py).

``Readiness`` is how a producer learns, as it queues, that mail cannot leave now (no mail server,
the email module off, the server refusing): the runtime implements it, and ``ctx.send`` says it
in the call's result, so a message that cannot go out never looks sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.errors import HeaderParseError, MessageDefect
from email.headerregistry import Address
from typing import TYPE_CHECKING, Any, Protocol

from skills.errors import SkillFailed

if TYPE_CHECKING:
    from skills.context import Database

# RFC 5322: a header line is at most 998 characters; longer subjects are folded, never this long.
MAX_HEADER = 998
MAX_NAME = 200
# C0 controls (CR and LF among them) and DEL: never part of a header a person meant to write.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidMessage(SkillFailed):
    """A message that could never be sent: the field and what is wrong with it."""


def one_line(field_name: str, value: str, *, limit: int = MAX_HEADER) -> str:
    """``value`` if it can be a header's text: one line, no control characters, at most ``limit``."""
    found = _CONTROL.search(value)
    if found:
        what = "a line break (CR/LF)" if found.group() in "\r\n" else f"a control character ({found.group()!r})"
        raise InvalidMessage(f"{field_name} contains {what}; it becomes an email header, which must be one line of "
                             f"text: remove it and try again (got {value[:80]!r})")
    if len(value) > limit:
        raise InvalidMessage(f"{field_name} is {len(value)} characters long; at most {limit} fit in an email header")
    return value


def address(field_name: str, value: str) -> str:
    """``value`` if it is one email address the mail library accepts as it will send it."""
    one_line(field_name, value, limit=320)
    try:
        parsed = Address(addr_spec=value)
    except (ValueError, HeaderParseError, MessageDefect, IndexError) as exc:
        raise InvalidMessage(f"{field_name} {value!r} is not an email address ({exc}); write it as name@example.com") \
            from exc
    if not parsed.username or "." not in parsed.domain:
        raise InvalidMessage(f"{field_name} {value!r} is not an email address; write it as name@example.com")
    return value


def display_name(field_name: str, value: str) -> str:
    """``value`` if it can stand before an address (``Ada Lovelace <ada@example.com>``)."""
    return one_line(field_name, value, limit=MAX_NAME)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with an email (an invoice's PDF)."""

    filename: str
    mime_type: str
    content: bytes = field(repr=False)

    def __post_init__(self) -> None:
        one_line("attachment filename", self.filename, limit=MAX_NAME)
        if "/" not in self.mime_type:
            raise InvalidMessage(f"attachment {self.filename!r}: {self.mime_type!r} is not a MIME type (e.g. "
                                 "application/pdf)")


@dataclass(frozen=True, slots=True)
class Email:
    """One email to one recipient. Checked on construction (InvalidMessage names the bad field).

    The sender's address is always the mail server's own (``smtp_from``: SPF and DMARC pass);
    ``sender_name`` is the name shown with it (the business's), ``reply_to`` where answers go."""

    to: str
    subject: str
    text: str  # the plain-text body
    to_name: str = ""
    reply_to: str = ""
    purpose: str = ""  # what it is for (``invoice:12``), shown in the outbox; default: the calling skill
    html: str = ""  # an HTML alternative of the text (multipart/alternative)
    sender_name: str = ""
    attachments: tuple[Attachment, ...] = ()

    def __post_init__(self) -> None:
        address("to", self.to)
        one_line("subject", self.subject)
        if self.to_name:
            display_name("to_name", self.to_name)
        if self.reply_to:
            address("reply_to", self.reply_to)
        if self.sender_name:
            display_name("sender_name", self.sender_name)
        if "\x00" in self.text or "\x00" in self.html:
            raise InvalidMessage("text contains a NUL character, which mail cannot carry; remove it")

    def headers(self) -> dict[str, str]:
        """The header fields beyond To and Subject, as the outbox row keeps them."""
        return {k: v for k, v in (("to_name", self.to_name), ("reply_to", self.reply_to),
                                  ("sender_name", self.sender_name)) if v}


@dataclass(frozen=True, slots=True)
class Webhook:
    """A JSON POST to one URL (the administrator's notification webhook)."""

    url: str
    payload: Mapping[str, Any]
    title: str = ""
    purpose: str = ""

    def __post_init__(self) -> None:
        one_line("url", self.url, limit=2000)
        if not self.url.startswith(("https://", "http://")):
            raise InvalidMessage(f"url {self.url!r} is not an http(s) URL")
        one_line("title", self.title)


@dataclass(frozen=True, slots=True)
class Queued:
    """What queueing a message did: its outbox row, its identity, and why it waits, if it must."""

    outbox_id: int
    message_id: str  # the row's identity: every attempt carries it (Message-ID, webhook-id)
    held: str = ""  # why it cannot leave now and what to do ("": it goes out on the next delivery pass)


class Readiness(Protocol):
    """Whether mail queued now can leave: the runtime knows (settings, the email module, recent attempts)."""

    async def email(self, db: Database) -> str:
        """"" when an email queued now goes out on the next delivery pass; else why not, and what to do."""
        ...


class AlwaysReady:
    """For contexts without a runtime behind them (a module's own unit tests)."""

    async def email(self, db: Database) -> str:
        return ""
