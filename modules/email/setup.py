"""Checking the mail settings: one test email, sent now, with the server's own answer.

``pilothouse email test you@example.com [--smtp-host ...]`` saves any settings given and calls this
skill, so a person setting up mail sees at once whether it works, and if not, what the server said
and what to change. The test email is an ordinary outbox message (queued through ``ctx.send`` and
delivered by the same claims and marks as every other), sent at once instead of on the next pass.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.email import delivery, mime, smtp
from modules.email.model import TestSent
from skills import ErrorKind, SkillContext, SkillFailed, skill
from skills.formats import EMAIL
from skills.messages import Email

# What to change, by how the server refused.
FIXES = {
    ErrorKind.NETWORK: "nothing answers there: check smtp_host and smtp_port (587 with smtp_starttls=true, or 25)",
    ErrorKind.TIMEOUT: "the server did not answer in time: check smtp_host, smtp_port and the firewall",
    ErrorKind.AUTH_FAILED: "the server refused the login: check smtp_username and smtp_password",
    ErrorKind.RATE_LIMITED: "the server refused for now (a 4xx answer): try again later, or ask its operator",
    ErrorKind.HTTP_4XX: "the server refused the message for good (a 5xx answer): check smtp_from (the sender "
                        "address it accepts) and the recipient",
}


@skill(title="Send a test email",
       examples=("test the mail settings", "check that email works", "send a test mail"),
       synonyms=("smtp", "test", "check", "setup"),
       trust="notify", transactional=False, open_world=True, timeout_s=60, instructions="""
       Sends one short test email to `to` right now through the configured SMTP server and says what
       happened: sent (with the server and the Message-ID), or the server's refusal with what to
       change. Use it after configuring mail (`pilothouse email test ADDRESS --smtp-host ...` does both).
       """)
async def send_test(ctx: SkillContext, to: Annotated[str, Field(pattern=EMAIL)]) -> TestSent:
    """Send a test email now and report the mail server's answer.

    Args:
        to: Where to send the test email.
    """
    if not smtp.configured(ctx.settings):
        raise SkillFailed(smtp.NOT_CONFIGURED)
    settings = smtp.settings_from(ctx.settings)
    queued = await ctx.send(Email(to=to, subject="Pilothouse test email", purpose="email_test", text=(
        "This is a test email from Pilothouse: your mail settings work.\n")))
    report = await delivery.deliver_now(ctx, (queued.outbox_id,))
    server = f"{settings.host}:{settings.port}"
    if report.sent:
        return TestSent(sent=True, to=to, server=server, outbox_id=queued.outbox_id,
                        message_id=mime.message_id({"id": queued.outbox_id, "message_id": queued.message_id},
                                                   settings.sender))
    error = report.errors[0].split(" ", 1)[-1] if report.errors else "not sent"
    fix = next((text for kind, text in FIXES.items() if error.startswith(f"{kind}:")), "see the error")
    # A plain refusal (validation): a person trying settings out must never get this skill paused.
    raise SkillFailed(f"the test email to {to} was not sent through {server}: {error}; {fix} (`pilothouse modules "
                      "configure email KEY=VALUE`, or the --smtp-* options), then try again")
