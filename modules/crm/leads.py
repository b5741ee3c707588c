from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.crm.model import Lead, LeadPage, QualifyResult
from modules.crm.scoring import QUALIFIED_AT, lead_score
from skills import Filters, SkillContext, SkillFailed, check_transition, fetch_one, fetch_page, skill
from skills.formats import EMAIL

LeadStatus = Literal["new", "qualified", "contacted", "converted", "lost"]
# Allowed status moves; converted is final, a lost lead can be reopened.
TRANSITIONS: dict[str, set[str]] = {
    "new": {"qualified", "contacted", "lost"},
    "qualified": {"contacted", "converted", "lost"},
    "contacted": {"qualified", "converted", "lost"},
    "lost": {"new"},
    "converted": set(),
}
LEAD_COLUMNS = "id, email, name, company_id, source, status, score, notes, created_at"


async def fetch_lead(ctx: SkillContext, lead_id: int) -> Lead:
    row = await fetch_one(
        ctx.db, f"SELECT {LEAD_COLUMNS} FROM crm_leads WHERE id = ?", (lead_id,),
        missing=f"no lead with id {lead_id}; crm_list_leads shows existing ids")
    return Lead(**row)


@skill(
    title="Create lead",
    examples=("new prospect signed up", "someone interested left their email", "add a potential customer"),
    synonyms=("prospect", "potential customer", "enquiry", "inquiry"),
    scope="both",
    instructions="""
    Adds a person who showed interest. The email is the identity of a lead: a second
    lead with the same email is refused and the existing id is returned in the error.
    Link a company by id (crm_create_company first) so qualification can use its size.
    New leads start in status `new` with no score; crm_qualify_leads scores them.
    Emits `lead.created`.
    """,
)
async def create_lead(
    ctx: SkillContext,
    email: Annotated[str, Field(pattern=EMAIL, max_length=254)],
    name: str | None = None,
    company_id: int | None = None,
    source: Literal["manual", "form", "referral", "webinar", "event", "newsletter"] = "manual",
    notes: str = "",
) -> Lead:
    """Create a lead from an email address. Use when a new prospect appears; NOT for existing customers.

    Args:
        email: The lead's email address (unique).
        name: Full name of the person.
        company_id: Id of the lead's company, if known.
        source: Where the lead came from.
        notes: Free-text notes; words like "budget" or "demo" raise the score.
    """
    existing = await ctx.db.fetchone("SELECT id FROM crm_leads WHERE email = ?", (email,))
    if existing:
        raise SkillFailed(f"a lead with email {email} already exists (id {existing['id']})")
    if company_id is not None:
        await fetch_one(
            ctx.db, "SELECT 1 FROM crm_companies WHERE id = ?", (company_id,),
            missing=f"no company with id {company_id}; create it with crm_create_company")
    now = ctx.now_iso()
    result = await ctx.db.execute(
        "INSERT INTO crm_leads (email, name, company_id, source, notes, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (email, name, company_id, source, notes, now, now),
    )
    lead_id = result.lastrowid or 0
    await ctx.emit("lead.created", {"id": lead_id, "email": email, "source": source})
    return await fetch_lead(ctx, lead_id)


@skill(
    title="Get lead",
    examples=("show me this lead's details", "open the lead record"),
    synonyms=("prospect",),
    read_only=True,
    instructions="Returns one lead with its status and score.",
)
async def get_lead(ctx: SkillContext, lead_id: int) -> Lead:
    """Get one lead by id.

    Args:
        lead_id: The lead's id.
    """
    return await fetch_lead(ctx, lead_id)


@skill(
    title="List leads",
    examples=("who are our newest prospects", "which leads are qualified", "show all the leads"),
    synonyms=("prospects", "potential customers"),
    read_only=True,
    instructions="""
    Filters combine: status, a minimum score and a text query over email and name.
    Results are newest first and paginated with limit/offset; `total` counts all matches.
    """,
)
async def list_leads(
    ctx: SkillContext,
    status: LeadStatus | None = None,
    min_score: Annotated[int | None, Field(ge=0, le=100)] = None,
    query: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> LeadPage:
    """List leads with filters and pagination. Use when reviewing the pipeline of people.

    Args:
        status: Only leads in this status.
        min_score: Only leads scoring at least this much.
        query: Text to match in email or name.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = (Filters().add("status = ?", status).add("score >= ?", min_score).like(("email", "name"), query))
    return await fetch_page(
        ctx.db, LeadPage, select=LEAD_COLUMNS, from_="crm_leads", filters=filters, order_by="id DESC", limit=limit,
        offset=offset)


@skill(
    title="Qualify new leads",
    examples=("rate the new prospects", "which leads look promising"),
    synonyms=("score", "rate", "triage"),
    idempotent=True,
    instructions=f"""
    Scores every lead in status `new` (or only `lead_ids`) from 0 to 100: named contact,
    linked company and its size, source (referral counts most), a business email domain
    and intent words in the notes. Leads scoring {QUALIFIED_AT}+ move to `qualified` and
    emit `lead.qualified`. Runs every 15 minutes as an automation; safe to run again.
    """,
)
async def qualify_leads(ctx: SkillContext, lead_ids: list[int] | None = None) -> QualifyResult:
    """Score new leads and mark the promising ones qualified.

    Args:
        lead_ids: Only these leads; default all leads in status new.
    """
    sql = ("SELECT l.id, l.email, l.name, l.source, l.notes, l.company_id, c.size FROM crm_leads l "
           "LEFT JOIN crm_companies c ON c.id = l.company_id WHERE l.status = 'new'")
    params: list[int] = []
    if lead_ids:
        sql += f" AND l.id IN ({','.join('?' * len(lead_ids))})"
        params = lead_ids
    rows = await ctx.db.fetchall(sql, params)
    qualified = []
    now = ctx.now_iso()
    for r in rows:
        score = lead_score(email=r["email"], name=r["name"], source=r["source"], notes=r["notes"],
                           company_size=r["size"], has_company=r["company_id"] is not None)
        status = "qualified" if score >= QUALIFIED_AT else "new"
        await ctx.db.execute("UPDATE crm_leads SET score = ?, status = ?, updated_at = ? WHERE id = ?",
                             (score, status, now, r["id"]))
        if status == "qualified":
            qualified.append(r["id"])
            await ctx.emit("lead.qualified", {"id": r["id"], "score": score})
    if not rows:
        ctx.set_outcome("no_effect")
    return QualifyResult(scored=len(rows), qualified=qualified)


@skill(
    title="Change lead status",
    examples=("the prospect is not interested anymore", "mark the lead contacted"),
    synonyms=("lost", "disqualify", "contacted"),
    instructions="""
    Moves a lead through new -> qualified -> contacted -> converted, or to lost.
    Converted is final; a lost lead can only be reopened to new. Invalid moves are
    refused with the moves that are allowed from the current status.
    """,
)
async def set_lead_status(ctx: SkillContext, lead_id: int, status: LeadStatus) -> Lead:
    """Change a lead's status along its allowed transitions.

    Args:
        lead_id: The lead's id.
        status: The new status.
    """
    lead = await fetch_lead(ctx, lead_id)
    check_transition(TRANSITIONS, lead.status, status, what=f"lead {lead_id}")
    await ctx.db.execute("UPDATE crm_leads SET status = ?, updated_at = ? WHERE id = ?",
                         (status, ctx.now_iso(), lead_id))
    await ctx.emit(f"lead.{status}", {"id": lead_id})
    return await fetch_lead(ctx, lead_id)
