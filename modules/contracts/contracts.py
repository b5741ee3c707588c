"""Contracts: terms, notice periods, renewal checks, renewals and confirmed terminations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field

from modules.contracts.model import Contract, ContractPage, RenewalCheck
from skills import Filters, SkillContext, SkillFailed, fetch_one, fetch_page, skill


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
            31][month - 1]
    return date(year, month, min(day.day, last))


def _contract(row: dict) -> Contract:  # type: ignore[type-arg]
    deadline = date.fromisoformat(row["end_date"]) - timedelta(days=row["notice_days"])
    return Contract(**{**row, "auto_renew": bool(row["auto_renew"]), "notice_deadline": deadline.isoformat()})


async def _fetch(ctx: SkillContext, contract_id: int) -> Contract:
    row = await fetch_one(
        ctx.db, "SELECT * FROM contracts WHERE id = ?", (contract_id,),
        missing=f"no contract with id {contract_id}; contracts_list shows them")
    return _contract(row)


@skill(title="Record a contract",
       examples=("record a new agreement", "store a signed contract"),
       synonyms=("agreement", "lease", "deal terms"),
       instructions="""
    Records an agreement: the other party, start date, term in months (the end date follows), value in
    cents, notice period in days, and whether it renews automatically. The notice deadline (end date
    minus notice) is when you must act to avoid a renewal.
    """)
async def create(
    ctx: SkillContext,
    party: Annotated[str, Field(min_length=2)],
    title: Annotated[str, Field(min_length=2)],
    start_date: date,
    term_months: Annotated[int, Field(ge=1, le=120)],
    value_cents: Annotated[int, Field(ge=0)],
    notice_days: Annotated[int, Field(ge=0, le=365)] = 30,
    auto_renew: bool = True,
) -> Contract:
    """Record a contract with its term, value and notice period.

    Args:
        party: The other party.
        title: What the contract covers.
        start_date: Start date, YYYY-MM-DD.
        term_months: Length of one term in months.
        value_cents: Contract value per term in cents.
        notice_days: Days of notice needed before the end date.
        auto_renew: Whether it renews by itself at the end of a term.
    """
    end = add_months(start_date, term_months)
    if (end - start_date).days <= notice_days:
        raise SkillFailed("the notice period is as long as the whole term; shorten notice_days")
    result = await ctx.db.execute(
        "INSERT INTO contracts (party, title, start_date, end_date, value_cents, term_months, notice_days, auto_renew,"
        " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active')",
        (party, title, start_date.isoformat(), end.isoformat(), value_cents, term_months, notice_days, int(auto_renew)))
    return await _fetch(ctx, result.lastrowid or 0)


@skill(name="contracts_list", title="List contracts",
                              examples=("show our contracts", "which agreements do we have"),
                              synonyms=("agreements", "leases"),
                              read_only=True,
       instructions="Contracts by status and party, soonest end date first.")
async def list_contracts(ctx: SkillContext, status: Literal["active", "terminated"] | None = None,
                         party: str | None = None, limit: int = 50, offset: int = 0) -> ContractPage:
    """List contracts.

    Args:
        status: active or terminated.
        party: Text to match in the party's name.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    return await fetch_page(
        ctx.db, ContractPage, select="*", from_="contracts",
        filters=Filters().add("status = ?", status).like(("party",), party), order_by="end_date, id", limit=limit,
        offset=offset, item=_contract)


@skill(title="Check upcoming renewals",
       examples=("which contracts renew soon", "notice deadlines coming up"),
       synonyms=("auto-renew", "notice", "deadline", "expiring"),
       instructions="""
    Active contracts whose notice deadline falls within the next N days (default 30): decide now to
    renew, renegotiate or give notice. Each is reported with contract.renewal_due once per term.
    Runs daily as an automation.
    """)
async def check_renewals(ctx: SkillContext, within_days: Annotated[int, Field(ge=1, le=365)] = 30) -> RenewalCheck:
    """List contracts whose notice deadline is coming up.

    Args:
        within_days: Look-ahead window in days.
    """
    today = ctx.now().date()
    rows = await ctx.db.fetchall("SELECT * FROM contracts WHERE status = 'active' ORDER BY end_date")
    due = [c for c in map(_contract, rows)
           if today <= date.fromisoformat(c.notice_deadline) <= today + timedelta(days=within_days)]
    for contract in due:
        flagged = await ctx.db.execute("UPDATE contracts SET flagged_end = end_date WHERE id = ? AND "
                                       "(flagged_end IS NULL OR flagged_end != end_date)", (contract.id,))
        if flagged.rowcount:
            await ctx.emit("contract.renewal_due", {"id": contract.id, "notice_deadline": contract.notice_deadline})
    return RenewalCheck(within_days=within_days, due=due)


@skill(title="Renew a contract",
       examples=("extend a contract", "renew the agreement for another year"),
       synonyms=("extend", "prolong"),
       instructions="Extends an active contract by one term (the end date moves by term_months), maybe at a new value.")
async def renew(ctx: SkillContext, contract_id: int,
                value_cents: Annotated[int | None, Field(ge=0)] = None) -> Contract:
    """Renew a contract for another term.

    Args:
        contract_id: The contract.
        value_cents: New value per term, if it changes.
    """
    contract = await _fetch(ctx, contract_id)
    if contract.status != "active":
        raise SkillFailed(f"contract {contract_id} is {contract.status}; record a new contract instead")
    end = add_months(date.fromisoformat(contract.end_date), contract.term_months)
    await ctx.db.execute("UPDATE contracts SET end_date = ?, value_cents = COALESCE(?, value_cents) WHERE id = ?",
                         (end.isoformat(), value_cents, contract_id))
    await ctx.emit("contract.renewed", {"id": contract_id, "end_date": end.isoformat()})
    return await _fetch(ctx, contract_id)


@skill(title="Terminate a contract",
       effects=("cancellation",),
       examples=("cancel a contract", "give notice on an agreement"),
       synonyms=("cancel", "end", "give notice"),
       trust="approve",
       targets={"contract_id": "contracts"},
       destructive=True, instructions="""
       Gives notice: the contract ends at its current end date and will not renew. Refused after the
       notice deadline has passed (the contract then renews or runs to its end as agreed).
       """)
async def terminate(ctx: SkillContext, contract_id: int) -> Contract:
    """Terminate a contract at the end of its term.

    Args:
        contract_id: The contract.
    """
    contract = await _fetch(ctx, contract_id)
    if contract.status != "active":
        raise SkillFailed(f"contract {contract_id} is already {contract.status}")
    if ctx.now().date() > date.fromisoformat(contract.notice_deadline):
        raise SkillFailed(f"the notice deadline was {contract.notice_deadline}; it is too late to give notice")
    await ctx.db.execute("UPDATE contracts SET status = 'terminated', auto_renew = 0 WHERE id = ?", (contract_id,))
    await ctx.emit("contract.terminated", {"id": contract_id})
    return await _fetch(ctx, contract_id)
