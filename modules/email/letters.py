"""A customer email from a template: plain text and HTML, in the business's name, with its documents.

Every module that writes to customers (invoices, quotes, credit notes, reminders, bookings,
webinars, newsletters) sends through ``send_letter``: the template's text (system templates:
defaults.py; the owner may reword them) with ``{{business}}`` filled from the profile, a summary
of the figures that matter, an optional button (a payment link), the business's legal identity
as a footer, the business's name as the sender's display name and its contact address as
Reply-To. The outbox keeps both parts and the attachments; delivery builds the MIME message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from modules.business.model import Profile
from modules.business.sheet import footer as legal_footer
from modules.email import html
from modules.email.templates import render_named
from skills import SkillContext
from skills.messages import Attachment, Email


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    text: str
    html: str
    sender_name: str | None
    reply_to: str | None
    attachments: tuple[Attachment, ...] = ()


async def compose(ctx: SkillContext, template: str, values: dict[str, str], *, profile: Profile,
                  summary: Sequence[tuple[str, str]] = (), action: tuple[str, str] | None = None,
                  attachments: Sequence[Attachment] = (), note: str = "") -> Letter:
    """The message ``template`` makes with ``values`` (``business`` is added), text and HTML alike."""
    subject, body = await render_named(ctx.db, template, {"business": profile.name or "", **values})
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    footer = legal_footer(profile) if profile.name else ()
    names = [a.filename for a in attachments]
    text = "\n\n".join(part for part in (
        body,
        "\n".join(f"{label}: {value}" for label, value in summary),
        f"{action[0]}: {action[1]}" if action else "",
        f"Attached: {', '.join(names)}" if names else "",
        note,
        "-- \n" + "\n".join(footer) if footer else "",
    ) if part) + "\n"
    page = html.page(subject=subject, business=profile.name or "", text=body, summary=summary, action=action,
                     attached=names, footer=footer, note=note, lang=profile.locale.split("_")[0])
    return Letter(subject=" ".join(subject.split()), text=text, html=page, sender_name=profile.name,
                  reply_to=profile.email, attachments=tuple(attachments))


async def send_letter(ctx: SkillContext, to: str, template: str, values: dict[str, str], *, purpose: str,
                      profile: Profile, summary: Sequence[tuple[str, str]] = (),
                      action: tuple[str, str] | None = None, attachments: Sequence[Attachment] = (),
                      note: str = "") -> int:
    """Compose and queue one customer email in the outbox (every process's delivery sends it)."""
    letter = await compose(ctx, template, values, profile=profile, summary=summary, action=action,
                           attachments=attachments, note=note)
    queued = await ctx.send(Email(to=to, subject=letter.subject, text=letter.text, purpose=purpose, html=letter.html,
                                  sender_name=letter.sender_name or "", reply_to=letter.reply_to or "",
                                  attachments=letter.attachments))
    return queued.outbox_id
