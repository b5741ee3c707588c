"""Email templates with `{{placeholder}}` fields, rendered strictly: a missing value is an error."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

from modules.email.model import Template, TemplatePage
from skills import Filters, Row, SkillContext, SkillFailed, fetch_page, skill
from skills.formats import ONE_LINE
from skills.messages import InvalidMessage, one_line

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


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
    return Template(id=r["id"], name=r["name"], subject=r["subject"], body=r["body"],
                    placeholders=placeholders(r["subject"], r["body"]))


@skill(title="Create email template",
       examples=("save a reusable email text", "make an email template with the customer's name"),
       synonyms=("template", "boilerplate"),
       instructions="""
    Saves a reusable email. Subject and body may hold placeholders like `{{first_name}}` (lowercase
    letters, digits, underscores); email_send fills them and refuses to send with any left empty.
    Names are unique; saving an existing name replaces nothing and is refused.
    """)
async def create_template(
    ctx: SkillContext,
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,63}$")],
    subject: Annotated[str, Field(min_length=1, max_length=200, pattern=ONE_LINE)],
    body: Annotated[str, Field(min_length=1)],
) -> Template:
    """Create a named email template with {{placeholders}}.

    Args:
        name: Unique template name, e.g. welcome or invoice-reminder.
        subject: Subject line; may contain placeholders.
        body: Plain-text body; may contain placeholders.
    """
    if await ctx.db.fetchone("SELECT 1 FROM email_templates WHERE name = ?", (name,)):
        raise SkillFailed(f"a template named {name!r} already exists; pick another name")
    now = ctx.now_iso()
    result = await ctx.db.execute(
        "INSERT INTO email_templates (name, subject, body, created_at) VALUES (?, ?, ?, ?)", (name, subject, body, now))
    return _row({"id": result.lastrowid, "name": name, "subject": subject, "body": body})


@skill(title="List email templates",
       examples=("show the email templates", "which email texts can I reuse"),
       synonyms=("templates",),
       read_only=True,
       instructions="Lists saved templates with the placeholders each one needs, by name.")
async def list_templates(ctx: SkillContext, query: str | None = None, limit: int = 50, offset: int = 0) -> TemplatePage:
    """List email templates and the placeholders they need.

    Args:
        query: Text to match in the name or subject.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    return await fetch_page(
        ctx.db, TemplatePage, select="id, name, subject, body", from_="email_templates",
        filters=Filters().like(("name", "subject"), query), order_by="name", limit=limit, offset=offset, item=_row)
