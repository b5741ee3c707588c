"""The one place an outbox row becomes the email that goes on the wire.

Everything an email carries is decided here: From (the mail server's address, under the sender's
name: the business's), To (with the recipient's name), Reply-To, Subject, Message-ID and the body.
Text only: text/plain. With HTML: multipart/alternative, the text first, so a client that shows one
part shows the richer one it understands. With attachments: multipart/mixed around that.

The Message-ID is derived from the row: ``<token@domain>``, the token given when the message was
queued (skills/outbox.py) and the domain the sender's. Every attempt carries the same one, and so
does a resend after a restore of a backup taken while the message waited, so a receiver can tell
a resend from a second message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr

from skills import Row
from skills.messages import Attachment


def message_id(row: Row, sender: str) -> str:
    """The row's Message-ID header: rows queued before identities were given at enqueue keep theirs."""
    token = str(row["message_id"] or f"outbox{row['id']}")
    if token.startswith("<"):
        return token
    return f"<{token}@{parseaddr(sender)[1].rpartition('@')[2] or 'localhost'}>"


def build(row: Row, sender: str, attachments: Sequence[Attachment] = ()) -> EmailMessage:
    """The email of one outbox row. Raises (ValueError and the email package's errors) when the row
    cannot be an email at all: delivery then dead-letters that row alone."""
    extra = json.loads(row.get("headers") or "{}")
    email = EmailMessage()
    name, address = parseaddr(sender)
    email["From"] = Address(display_name=extra.get("sender_name") or name, addr_spec=address or sender)
    email["To"] = Address(display_name=extra.get("to_name", ""), addr_spec=row["recipient"])
    if extra.get("reply_to"):
        email["Reply-To"] = extra["reply_to"]
    email["Subject"] = row["subject"]
    email["Message-ID"] = message_id(row, sender)
    email.set_content(row["body"])
    if row.get("html"):
        email.add_alternative(row["html"], subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=attachment.filename)
    return email
