"""Email templates with `{{placeholder}}` fields, rendered strictly: a missing value is an error.

Two kinds share one namespace: the owner's own (email_create_template), and the system templates,
the wording of what Pilothouse sends customers (defaults.py). A system template is changed with
email_update_template, which stores the owner's version in place of the default.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

from modules.email.defaults import SYSTEM
from modules.email.model import Template, TemplatePage
from skills import Row, SkillContext, SkillFailed, skill
from skills.context import Database
from skills.formats import ONE_LINE
from skills.messages import InvalidMessage, one_line

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
NAME = r"^[a-z0-9][a-z0-9_-]{1,63}$"


def placeholders(*texts: str) -> list[str]:
    return sorted({m.group(1) for text in texts for m in PLACEHOLDER.finditer(text)})


def render(text: str, values: dict[str, str], *, header: bool = False) -> str:
    """``text`` with its placeholders filled; ``header``: it becomes an email header (the subject),
    so a value with a line break or a control character is refused, naming the value."""
    names = placeholders(text)
    missing = [name for name in names if name not in values]
    if missing:
        raise SkillFailed(f"missing values for {', '.join(missing)}; pass them in `values`")
    if header:
        for name in names:
            try:
                one_line(f"values.{name} (used in the subject)", str(values[name]))
            except InvalidMessage as exc:
                raise SkillFailed(exc.message) from exc
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def _row(r: Row) -> Template:
    system = r["name"] in SYSTEM
    return Template(id=r["id"], name=r["name"], subject=r["subject"], body=r["body"],
                    placeholders=placeholders(r["subject"], r["body"]), system=system,
                    customized=system and (r["subject"], r["body"]) != SYSTEM[r["name"]])


def _default(name: str) -> Template:
    subject, body = SYSTEM[name]
    return Template(id=None, name=name, subject=subject, body=body, placeholders=placeholders(subject, body),
                    system=True)


async def find(db: Database, name: str) -> Template | None:
    """The template in force under ``name``: the owner's row, else the system default."""
    row = await db.fetchone("SELECT id, name, subject, body FROM email_templates WHERE name = ?", (name,))
    return _row(row) if row else (_default(name) if name in SYSTEM else None)


async def render_named(db: Database, name: str, values: dict[str, str]) -> tuple[str, str]:
    """(subject, body) of the template ``name`` with ``values`` filled in."""
    template = await find(db, name)
    if template is None:
        raise SkillFailed(f"no template named {name!r}; email_list_templates shows the names")
    return render(template.subject, values, header=True), render(template.body, values)


@skill(title="Create email template",
       examples=("save a reusable email text", "make an email template with the customer's name"),
       synonyms=("template", "boilerplate"),
       instructions="""
    Saves a reusable email. Subject and body may hold placeholders like `{{first_name}}` (lowercase
    letters, digits, underscores); email_send fills them and refuses to send with any left empty.
    Names are unique; saving an existing name replaces nothing and is refused (change one with
    email_update_template).
    """)
async def create_template(
    ctx: SkillContext,
    name: Annotated[str, Field(pattern=NAME)],
    subject: Annotated[str, Field(min_length=1, max_length=200, pattern=ONE_LINE)],
    body: Annotated[str, Field(min_length=1)],
) -> Template:
    """Create a named email template with {{placeholders}}.

    Args:
        name: Unique template name, e.g. welcome or invoice-reminder.
        subject: Subject line; may contain placeholders.
        body: Plain-text body; may contain placeholders.
    """
    if name in SYSTEM or await ctx.db.fetchone("SELECT 1 FROM email_templates WHERE name = ?", (name,)):
        raise SkillFailed(f"a template named {name!r} already exists; pick another name, or change it with "
                          "email_update_template")
    now = ctx.now_iso()
    result = await ctx.db.execute(
        "INSERT INTO email_templates (name, subject, body, created_at) VALUES (?, ?, ?, ?)", (name, subject, body, now))
    return _row({"id": result.lastrowid, "name": name, "subject": subject, "body": body})


@skill(title="Update an email template",
       examples=("change the wording of the invoice email", "edit the booking confirmation text",
                 "reset the quote email to the default"),
       synonyms=("reword", "edit template", "invoice email text", "customize"),
       idempotent=True, instructions="""
    Changes the subject and/or body of a template, the owner's own or a system one (the messages
    Pilothouse sends customers: invoice, quote, credit-note, payment-reminder, booking-confirmation,
    webinar-confirmation, webinar-cancellation, newsletter, newsletter-confirmation). A system
    template may only use the placeholders its default uses (the sending module fills exactly
    those); `reset: true` brings back the default. The business letterhead, the summary, the pay
    button, the legal footer and a newsletter's unsubscribe line are added around the text and stay.
    Values are HTML-escaped in the HTML part, so text is shown as written.
    """)
async def update_template(
    ctx: SkillContext,
    name: Annotated[str, Field(pattern=NAME)],
    subject: Annotated[str | None, Field(min_length=1, max_length=200, pattern=ONE_LINE)] = None,
    body: Annotated[str | None, Field(min_length=1)] = None,
    reset: bool = False,
) -> Template:
    """Change an email template's subject or body (also the invoice, quote and other system emails).

    Args:
        name: The template, e.g. invoice (email_list_templates shows them).
        subject: New subject line.
        body: New plain-text body.
        reset: Bring a system template back to its default (subject and body are then ignored).
    """
    current = await find(ctx.db, name)
    if current is None:
        raise SkillFailed(f"no template named {name!r}; email_list_templates shows the names")
    if reset:
        if not current.system:
            raise SkillFailed(f"{name!r} is your own template; only system templates have a default to reset to")
        new_subject, new_body = SYSTEM[name]  # the row stays (ids are never reused), back to the default text
    elif subject is None and body is None:
        raise SkillFailed("give a new subject, a new body, or reset: true")
    else:
        new_subject, new_body = subject or current.subject, body or current.body
    if current.system:
        unknown = sorted(set(placeholders(new_subject, new_body)) - set(_default(name).placeholders))
        if unknown:
            raise SkillFailed(f"the {name} email cannot fill {', '.join(unknown)}; it may use "
                              f"{', '.join(_default(name).placeholders)}")
    await ctx.db.execute(
        "INSERT INTO email_templates (name, subject, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) "
        "DO UPDATE SET subject = excluded.subject, body = excluded.body", (name, new_subject, new_body, ctx.now_iso()))
    updated = await find(ctx.db, name)
    assert updated is not None
    return updated


@skill(title="List email templates",
       examples=("show the email templates", "which email texts can I reuse", "what does the invoice email say"),
       synonyms=("templates", "wording"),
       read_only=True,
       instructions="""
    Lists templates by name with the placeholders each one needs: the owner's own and the system
    ones (the invoice, quote, reminder, confirmation and newsletter emails), marked `system`, and
    `customized` once the owner changed one.
    """)
async def list_templates(ctx: SkillContext, query: str | None = None, limit: int = 50, offset: int = 0) -> TemplatePage:
    """List email templates and the placeholders they need.

    Args:
        query: Text to match in the name or subject.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    rows = {r["name"]: _row(r) for r in await ctx.db.fetchall("SELECT id, name, subject, body FROM email_templates")}
    every = sorted([*rows.values(), *(_default(n) for n in SYSTEM if n not in rows)], key=lambda t: t.name)
    if query:
        every = [t for t in every if query.lower() in t.name.lower() or query.lower() in t.subject.lower()]
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    return TemplatePage(items=every[offset:offset + limit], total=len(every), limit=limit, offset=offset)
