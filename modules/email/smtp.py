"""The SMTP adapter: settings, one send, and error classification (done once, here).

Why aiosmtplib: a real SMTP client on asyncio, so a slow server never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from skills import ErrorKind, ExternalError, SkillFailed
from skills.context import Attachment

ENV = {"smtp_host": "PILOTHOUSE_SMTP_HOST", "smtp_port": "PILOTHOUSE_SMTP_PORT",
       "smtp_username": "PILOTHOUSE_SMTP_USERNAME", "smtp_password": "PILOTHOUSE_SMTP_PASSWORD",
       "smtp_from": "PILOTHOUSE_SMTP_FROM", "smtp_starttls": "PILOTHOUSE_SMTP_STARTTLS"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    sender: str
    starttls: bool
    timeout_s: float


def settings_from(values: Mapping[str, Any]) -> SmtpSettings:
    def get(key: str) -> Any:
        return values.get(key) if values.get(key) not in (None, "") else os.environ.get(ENV.get(key, ""))

    host = get("smtp_host")
    if not host:
        raise SkillFailed("no SMTP server is configured: run `pilothouse modules configure email smtp_host=HOST "
                          "smtp_port=587 smtp_from=you@example.com` (and smtp_username/smtp_password), or set "
                          "PILOTHOUSE_SMTP_HOST / PILOTHOUSE_SMTP_PORT / PILOTHOUSE_SMTP_FROM")
    starttls = str(get("smtp_starttls") or "false").lower() in ("1", "true", "yes")
    return SmtpSettings(host=str(host), port=int(get("smtp_port") or 25), username=get("smtp_username"),
                        password=get("smtp_password"), sender=str(get("smtp_from") or "pilothouse@localhost"),
                        starttls=starttls, timeout_s=float(values.get("smtp_timeout_s") or 15))


def classify(exc: BaseException) -> tuple[ErrorKind, bool]:
    """(kind, permanent). Permanent failures are not retried on the next delivery run."""
    import aiosmtplib

    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return ErrorKind.AUTH_FAILED, True
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        return (ErrorKind.RATE_LIMITED, False) if all(400 <= c < 500 for c in codes) else (ErrorKind.HTTP_4XX, True)
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | asyncio.TimeoutError | TimeoutError):
        return ErrorKind.TIMEOUT, False
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return (ErrorKind.RATE_LIMITED, False) if 400 <= exc.code < 500 else (ErrorKind.HTTP_4XX, True)
    if isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPServerDisconnected | OSError):
        return ErrorKind.NETWORK, False
    return ErrorKind.HANDLER_ERROR, False


def message_for(settings: SmtpSettings, to: str, subject: str, body: str, message_id: str, *,
                html: str | None = None, sender_name: str | None = None, reply_to: str | None = None,
                attachments: Sequence[Attachment] = ()) -> EmailMessage:
    """The email as sent. ``message_id`` is the outbox row's, the same on every retry, so a
    receiver (or a person) can tell a resend after a crash from a second message.

    Text only: text/plain. With ``html``: multipart/alternative (the text first, so a client that
    shows one part shows the richer one it understands). With attachments: multipart/mixed
    around that. The address is always the SMTP server's own (SPF and DMARC pass); the business's
    name is its display name and its contact address the Reply-To.
    """
    message = EmailMessage()
    address = parseaddr(settings.sender)[1] or settings.sender
    message["From"] = Address(display_name=sender_name, addr_spec=address) if sender_name else settings.sender
    message["To"], message["Subject"] = to, subject
    message["Message-ID"] = message_id
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=attachment.filename)
    return message


async def connect(settings: SmtpSettings) -> Any:
    """One SMTP connection (logged in when a username is set) for a chunk of messages: a server that
    is slow to greet or to answer QUIT costs that once per chunk, not once per message."""
    import aiosmtplib  # here and in classify: only processes that deliver mail pay its import (~6 ms)

    client = aiosmtplib.SMTP(hostname=settings.host, port=settings.port, username=settings.username,
                             password=settings.password, start_tls=settings.starttls, use_tls=False,
                             timeout=settings.timeout_s)
    await client.connect()
    return client


async def close(client: Any) -> None:
    try:
        await client.quit()
    except Exception:  # the messages are already accepted (or failed): a failed QUIT changes nothing
        client.close()


def as_external(exc: BaseException) -> ExternalError:
    kind, _ = classify(exc)
    return ExternalError(f"SMTP: {exc}", kind=kind)
