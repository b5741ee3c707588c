"""Forms with typed fields; a submission is validated against its form and its email becomes a CRM lead."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from pydantic import Field

from modules.forms.model import FieldSpec, Form, FormStats, Stats, Submission, Submissions
from skills import SkillContext, SkillFailed, fetch_one, skill
from skills.formats import EMAIL as EMAIL_PATTERN

EMAIL = re.compile(EMAIL_PATTERN)


async def _form(ctx: SkillContext, form_id: int) -> Form:
    row = await fetch_one(
        ctx.db, "SELECT id, name, fields FROM forms WHERE id = ?", (form_id,),
        missing=f"no form with id {form_id}; forms_stats lists the forms")
    return Form(id=row["id"], name=row["name"], fields=[FieldSpec(**f) for f in json.loads(row["fields"])])


def validate(form: Form, data: dict[str, Any]) -> dict[str, Any]:
    problems, clean = [], {}
    known = {f.name for f in form.fields}
    problems += [f"'{k}' is not a field of this form" for k in data if k not in known]
    for spec in form.fields:
        value = data.get(spec.name)
        if value in (None, ""):
            if spec.required:
                problems.append(f"'{spec.name}' is required")
            continue
        if spec.type == "email" and not (isinstance(value, str) and EMAIL.match(value)):
            problems.append(f"'{spec.name}' must be an email address")
        elif spec.type == "number" and not isinstance(value, int | float):
            problems.append(f"'{spec.name}' must be a number")
        elif spec.type == "choice" and value not in spec.options:
            problems.append(f"'{spec.name}' must be one of {', '.join(spec.options)}")
        clean[spec.name] = value
    if problems:
        raise SkillFailed("the submission does not fit the form: " + "; ".join(problems))
    return clean


@skill(title="Create form",
       examples=("make a signup form", "build a web form with fields"),
       synonyms=("web form", "fields", "signup"),
       instructions="""
    Defines a form by its fields: name, type (text, email, number, choice with options), required.
    A form with an email field turns each submission into a CRM lead (source `form`).
    """)
async def create(ctx: SkillContext, name: Annotated[str, Field(min_length=2, max_length=120)],
                 fields: Annotated[list[FieldSpec], Field(min_length=1)]) -> Form:
    """Create a form from its field definitions.

    Args:
        name: Form name, unique.
        fields: Field definitions, e.g. [{"name": "email", "type": "email", "required": true}].
    """
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise SkillFailed("field names must be unique")
    if bad := [f.name for f in fields if f.type == "choice" and not f.options]:
        raise SkillFailed(f"choice fields need options: {', '.join(bad)}")
    if await ctx.db.fetchone("SELECT 1 FROM forms WHERE name = ?", (name,)):
        raise SkillFailed(f"a form named {name!r} already exists")
    result = await ctx.db.execute("INSERT INTO forms (name, fields, created_at) VALUES (?, ?, ?)",
                                  (name, json.dumps([f.model_dump() for f in fields]), ctx.now_iso()))
    return await _form(ctx, result.lastrowid or 0)


@skill(title="Submit a form",
       examples=("enter a form response", "someone sent the contact form"),
       synonyms=("response", "entry", "fill in", "filled"),
       scope="external", instructions="""
    Records a visitor's submission after checking it against the form (unknown fields, required
    fields, email/number/choice types). With an email, a CRM lead is created (or the existing one
    reused). Emits form.submitted (and lead.created for a new lead).
    """)
async def submit(ctx: SkillContext, form_id: int, data: dict[str, Any]) -> Submission:
    """Submit data to a form; an email in it becomes a CRM lead.

    Args:
        form_id: The form.
        data: Field values by field name.
    """
    form = await _form(ctx, form_id)
    clean = validate(form, data)
    email = next((clean[f.name] for f in form.fields if f.type == "email" and f.name in clean), None)
    lead_id = None
    if email:
        existing = await ctx.db.fetchone("SELECT id FROM crm_leads WHERE email = ?", (email,))
        if existing:
            lead_id = existing["id"]
        else:
            now = ctx.now_iso()
            result = await ctx.db.execute(
                "INSERT INTO crm_leads (email, name, source, notes, created_at, updated_at) "
                "VALUES (?, ?, 'form', ?, ?, ?)",
                (email, clean.get("name"), f"From form {form.name}", now, now))
            lead_id = result.lastrowid
            await ctx.emit("lead.created", {"id": lead_id, "email": email, "source": "form"})
    result = await ctx.db.execute(
        "INSERT INTO forms_submissions (form_id, data, lead_id, created_at) VALUES (?, ?, ?, ?)",
        (form_id, json.dumps(clean), lead_id, ctx.now_iso()))
    await ctx.emit("form.submitted", {"form_id": form_id, "submission_id": result.lastrowid, "lead_id": lead_id})
    return Submission(id=result.lastrowid or 0, form_id=form_id, data=clean, lead_id=lead_id, created_at=ctx.now_iso())


@skill(title="List form submissions",
       examples=("what did people send through the form", "show the form entries"),
       synonyms=("entries", "responses", "answers"),
       read_only=True,
       instructions="A form's submissions, newest first, with the lead each one created or matched.")
async def list_submissions(ctx: SkillContext, form_id: int, limit: Annotated[int, Field(ge=1, le=200)] = 50,
                           offset: Annotated[int, Field(ge=0)] = 0) -> Submissions:
    """List the submissions of one form.

    Args:
        form_id: The form.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    await _form(ctx, form_id)
    total = await ctx.db.fetchval("SELECT COUNT(*) FROM forms_submissions WHERE form_id = ?", (form_id,))
    rows = await ctx.db.fetchall("SELECT * FROM forms_submissions WHERE form_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                                 (form_id, limit, offset))
    return Submissions(items=[Submission(**{**r, "data": json.loads(r["data"])}) for r in rows], total=total)


@skill(title="Form statistics",
       examples=("how well do our forms convert", "how many form submissions did we get"),
       synonyms=("conversion", "statistics", "count"),
       category="analytics", read_only=True,
       instructions="Per form: submissions, new leads created from them, and conversion = leads / submissions.")
async def stats(ctx: SkillContext) -> Stats:
    """Submissions and lead conversion for every form."""
    rows = await ctx.db.fetchall(
        "SELECT f.id, f.name, COUNT(s.id) AS n, COUNT(DISTINCT s.lead_id) AS leads FROM forms f "
        "LEFT JOIN forms_submissions s ON s.form_id = f.id GROUP BY f.id ORDER BY f.id")
    return Stats(forms=[FormStats(form_id=r["id"], name=r["name"], submissions=r["n"], leads_created=r["leads"],
                                  conversion=round(r["leads"] / r["n"], 3) if r["n"] else 0.0) for r in rows])
