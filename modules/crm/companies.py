from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.crm.model import Company, CompanyPage
from skills import Filters, SkillContext, SkillFailed, fetch_page, skill


@skill(
    title="Create company",
    examples=("add a client company", "new organisation we work with"),
    synonyms=("organisation", "business", "firm", "account"),
    instructions="""
    Registers an organisation so leads and deals can be attached to it. Names are
    unique regardless of case; creating an existing name is refused with the id of
    the existing company. `size` is the head count and feeds lead qualification.
    """,
)
async def create_company(
    ctx: SkillContext,
    name: Annotated[str, Field(min_length=1, max_length=200)],
    domain: str | None = None,
    industry: str | None = None,
    size: Annotated[int | None, Field(ge=1)] = None,
) -> Company:
    """Create a company record. Use when a new organisation appears; NOT for people (use crm_create_lead).

    Args:
        name: Company name, unique (case-insensitive).
        domain: Web domain such as example.com.
        industry: Free-text industry, e.g. "software".
        size: Number of employees.
    """
    existing = await ctx.db.fetchone("SELECT id FROM crm_companies WHERE name = ?", (name,))
    if existing:
        raise SkillFailed(f"a company named {name!r} already exists (id {existing['id']}); use that id")
    result = await ctx.db.execute(
        "INSERT INTO crm_companies (name, domain, industry, size, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, domain, industry, size, ctx.now_iso()),
    )
    await ctx.emit("company.created", {"id": result.lastrowid, "name": name})
    return Company(id=result.lastrowid or 0, name=name, domain=domain, industry=industry, size=size)


@skill(
    title="List companies",
    examples=("which companies are in the crm", "find the company with domain acme.com", "our client companies"),
    synonyms=("organisations", "accounts", "firms", "businesses"),
    read_only=True,
    instructions="Lists companies by name. `query` matches name or domain, case-insensitively.",
)
async def list_companies(
    ctx: SkillContext, query: str | None = None, limit: int = 50, offset: int = 0
) -> CompanyPage:
    """List companies, optionally filtered by name or domain.

    Args:
        query: Text to match in the name or domain.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().like(("name", "domain"), query)
    return await fetch_page(
        ctx.db, CompanyPage, select="id, name, domain, industry, size", from_="crm_companies", filters=filters,
        order_by="name", limit=limit, offset=offset)
