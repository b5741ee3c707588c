"""The SMTP adapter: settings, a connection, and error classification (done once, here).

Why aiosmtplib: a real SMTP client on asyncio, so a slow server never blocks the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skills import ErrorKind, SkillFailed


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    sender: str
    starttls: bool
    timeout_s: float


NOT_CONFIGURED = ("no mail server is configured: run `pilothouse email test you@example.com --smtp-host HOST "
                  "--smtp-port 587 --smtp-from you@example.com` (it saves the settings and sends a test), or "
                  "`pilothouse modules configure email smtp_host=HOST smtp_port=587 smtp_from=you@example.com`, or set "
                  "PILOTHOUSE_SMTP_HOST / PILOTHOUSE_SMTP_PORT / PILOTHOUSE_SMTP_FROM")


def _get(values: Mapping[str, Any], key: str) -> Any:
    return values.get(key) if values.get(key) not in (None, "") else None


def configured(values: Mapping[str, Any]) -> bool:
    """Whether a mail server is set, in the module's settings or the environment."""
    return bool(_get(values, "smtp_host"))


def settings_from(values: Mapping[str, Any]) -> SmtpSettings:
    """From the email module's settings (modules/email/settings.py), where the PILOTHOUSE_SMTP_* variables
    already stand in for what nobody configured."""
    def get(key: str) -> Any:
        return _get(values, key)

    host = get("smtp_host")
    if not host:
        raise SkillFailed(NOT_CONFIGURED)
    starttls = str(get("smtp_starttls") or "false").lower() in ("1", "true", "yes")
    return SmtpSettings(host=str(host), port=int(get("smtp_port") or 25), username=get("smtp_username"),
                        password=get("smtp_password"), sender=str(get("smtp_from") or "pilothouse@localhost"),
                        starttls=starttls, timeout_s=float(values.get("smtp_timeout_s") or 15))


def classify(exc: BaseException) -> tuple[ErrorKind, bool]:
    """(kind, permanent). Permanent failures are not retried on the next delivery run. A refused login
    is the server's state, not the message's: it waits, with its backoff, for the password to be fixed."""
    import aiosmtplib

    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return ErrorKind.AUTH_FAILED, False
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
