"""Contacts: people at companies (customers, partners), distinct from leads; tags, merge and CSV export."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated

from pydantic import Field

from modules.contacts.model import Contact, ContactPage, CsvExport, Merged
from skills import Filters, Row, SkillContext, SkillFailed, fetch_one, fetch_page, skill
from skills.formats import EMAIL

COLUMNS = "id, name, email, phone, company_id, tags, created_at"


def _contact(row: Row) -> Contact:
    return Contact(**{**row, "tags": json.loads(row["tags"])})


async def fetch_contact(ctx: SkillContext, contact_id: int) -> Contact:
    row = await fetch_one(
        ctx.db, f"SELECT {COLUMNS} FROM contacts WHERE id = ?", (contact_id,),
        missing=f"no contact with id {contact_id}; contacts_list shows them")
    return _contact(row)


@skill(title="Create contact",
       examples=("add a person to our contacts", "save someone's phone number"),
       synonyms=("person", "address book", "people"),
       instructions="""
    Adds a person you work with (customer, partner, supplier). Emails are unique; link a CRM company
    by id. Tags are free words (lowercase) for grouping, e.g. vip or newsletter.
    """)
async def create(
    ctx: SkillContext,
    name: Annotated[str, Field(min_length=1, max_length=120)],
    email: Annotated[str, Field(pattern=EMAIL)],
    phone: Annotated[str | None, Field(pattern=r"^\+?[0-9 ()-]{5,20}$")] = None,
    company_id: int | None = None,
    tags: list[Annotated[str, Field(pattern=r"^[a-z0-9-]{1,30}$")]] | None = None,
) -> Contact:
    """Create a contact person, optionally linked to a CRM company.

    Args:
        name: Full name.
        email: Email address (unique).
        phone: Phone number.
        company_id: CRM company id.
        tags: Lowercase tags, e.g. ["vip"].
    """
    if existing := await ctx.db.fetchone("SELECT id FROM contacts WHERE email = ?", (email,)):
        raise SkillFailed(f"a contact with email {email} exists (id {existing['id']})")
    if company_id is not None:
        await fetch_one(
            ctx.db, "SELECT 1 FROM crm_companies WHERE id = ?", (company_id,),
            missing=f"no company with id {company_id}; crm_list_companies shows them")
    result = await ctx.db.execute(
        "INSERT INTO contacts (name, email, phone, company_id, tags, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (name, email, phone, company_id, json.dumps(sorted(set(tags or []))), ctx.now_iso()))
    await ctx.emit("contact.created", {"id": result.lastrowid, "email": email})
    return await fetch_contact(ctx, result.lastrowid or 0)


@skill(name="contacts_list", title="List contacts",
                             examples=(
                                 "find a contact by name",
                                 "who are our supplier contacts",
                                 "look up someone's email",
                             ),
                             synonyms=("people", "address book", "person"),
                             read_only=True,
       instructions="Contacts by name, filtered by a text query (name or email), a tag or a company.")
async def list_contacts(ctx: SkillContext, query: str | None = None, tag: str | None = None,
                        company_id: int | None = None, limit: int = 50, offset: int = 0) -> ContactPage:
    """List contacts with filters and pagination.

    Args:
        query: Text to match in the name or email.
        tag: Only contacts with this tag.
        company_id: Only contacts of this company.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = (Filters().like(("name", "email"), query).add("company_id = ?", company_id)
               .add("EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value = ?)", tag))
    return await fetch_page(
        ctx.db, ContactPage, select=COLUMNS, from_="contacts", filters=filters, order_by="name, id", limit=limit,
        offset=offset, item=_contact)


@skill(title="Tag or untag a contact",
       examples=("label this contact as a partner", "remove the vip tag"),
       synonyms=("label", "category", "vip"),
       idempotent=True,
       instructions="Adds and removes tags on one contact; adding a tag twice or removing a missing one is harmless.")
async def tag(ctx: SkillContext, contact_id: int, add: list[str] | None = None,
              remove: list[str] | None = None) -> Contact:
    """Add or remove tags on a contact.

    Args:
        contact_id: The contact's id.
        add: Tags to add.
        remove: Tags to remove.
    """
    contact = await fetch_contact(ctx, contact_id)
    tags = (set(contact.tags) | {t.lower() for t in add or []}) - {t.lower() for t in remove or []}
    await ctx.db.execute("UPDATE contacts SET tags = ? WHERE id = ?", (json.dumps(sorted(tags)), contact_id))
    return await fetch_contact(ctx, contact_id)


@skill(title="Merge duplicate contacts",
       effects=("deletion",),
       examples=("combine two copies of the same person", "dedupe contacts"),
       synonyms=("duplicate", "dedupe", "combine"),
       trust="approve", destructive=True,
       targets={"keep_id": "contacts", "duplicate_id": "contacts"},
       instructions="""
       Folds a duplicate into the contact to keep: missing phone and company are taken from the
       duplicate, tags are combined, then the duplicate is deleted. Irreversible: approve trust.
       """)
async def merge(ctx: SkillContext, keep_id: int, duplicate_id: int) -> Merged:
    """Merge a duplicate contact into another and delete the duplicate.

    Args:
        keep_id: The contact that stays.
        duplicate_id: The contact merged into it and deleted.
    """
    if keep_id == duplicate_id:
        raise SkillFailed("keep_id and duplicate_id are the same contact")
    keep, dup = await fetch_contact(ctx, keep_id), await fetch_contact(ctx, duplicate_id)
    await ctx.db.execute("UPDATE contacts SET phone = ?, company_id = ?, tags = ? WHERE id = ?",
                         (keep.phone or dup.phone, keep.company_id or dup.company_id,
                          json.dumps(sorted(set(keep.tags) | set(dup.tags))), keep_id))
    await ctx.db.execute("DELETE FROM contacts WHERE id = ?", (duplicate_id,))
    await ctx.emit("contact.merged", {"kept": keep_id, "removed": duplicate_id})
    return Merged(kept=await fetch_contact(ctx, keep_id), removed_id=duplicate_id)


PROGRESS_EVERY = 500  # rows between progress notifications of an export


@skill(title="Export contacts (CSV)",
       examples=("get our contacts as a csv file", "export the address book to excel"),
       synonyms=("spreadsheet", "excel", "download"),
       read_only=True, instructions="""
    All contacts (or those with a tag) as CSV with a header row: id, name, email, phone, company,
    tags (semicolon-separated). Quoting follows RFC 4180, so spreadsheets open it as is.
    """)
async def export_csv(ctx: SkillContext, tag: str | None = None) -> CsvExport:
    """Export contacts as CSV text.

    Args:
        tag: Only contacts with this tag.
    """
    filters = Filters().add("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?)", tag)
    rows = await ctx.db.fetchall(
        "SELECT c.id, c.name, c.email, c.phone, co.name AS company, c.tags FROM contacts c LEFT JOIN crm_companies co "
        f"ON co.id = c.company_id{filters.where} ORDER BY c.name, c.id", filters.params)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "name", "email", "phone", "company", "tags"])
    for done, r in enumerate(rows, 1):
        writer.writerow([r["id"], r["name"], r["email"], r["phone"] or "", r["company"] or "",
                         ";".join(json.loads(r["tags"]))])
        if done % PROGRESS_EVERY == 0:
            await ctx.report_progress(done, len(rows), "rows written")
    await ctx.report_progress(len(rows), len(rows), "export ready")
    return CsvExport(rows=len(rows), csv=out.getvalue())
