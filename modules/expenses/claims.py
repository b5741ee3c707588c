"""Expense claims: submitted -> approved | rejected, approved -> reimbursed; monthly totals by category."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from modules.expenses.model import Expense, ExpensePage, MonthTotals
from skills import Filters, SkillContext, SkillFailed, fetch_one, fetch_page, skill
from skills.effects import effect

Category = Literal["travel", "meals", "software", "equipment", "office", "marketing", "other"]
NEXT = {"approve": ("submitted", "approved"), "reject": ("submitted", "rejected"),
        "reimburse": ("approved", "reimbursed")}


async def _fetch(ctx: SkillContext, expense_id: int) -> Expense:
    row = await fetch_one(
        ctx.db, "SELECT * FROM expenses WHERE id = ?", (expense_id,),
        missing=f"no expense with id {expense_id}; expenses_list shows them")
    return Expense(**row)


@skill(title="Submit an expense",
       examples=("claim back what I paid for work", "file a receipt"),
       synonyms=("receipt", "claim", "out of pocket", "reimbursement"),
       instructions="""
    Files an expense claim (amount in cents, the date spent, a category and a receipt reference).
    Future dates and zero amounts are refused. Claims start as `submitted`.
    """)
async def submit(
    ctx: SkillContext,
    person: Annotated[str, Field(min_length=1, max_length=80)],
    category: Category,
    amount_cents: Annotated[int, Field(gt=0)],
    spent_on: date,
    description: Annotated[str, Field(min_length=3, max_length=300)],
    receipt: str | None = None,
) -> Expense:
    """Submit an expense claim.

    Args:
        person: Who spent the money.
        category: travel, meals, software, equipment, office, marketing or other.
        amount_cents: Amount in cents.
        spent_on: Date of the expense, YYYY-MM-DD.
        description: What it was for.
        receipt: Receipt reference or file name.
    """
    if spent_on > ctx.now().date():
        raise SkillFailed(f"{spent_on} is in the future; expenses are claimed after spending")
    result = await ctx.db.execute(
        "INSERT INTO expenses (person, category, amount_cents, spent_on, description, receipt, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?)",
        (person, category, amount_cents, spent_on.isoformat(), description, receipt, ctx.now_iso()))
    return await _fetch(ctx, result.lastrowid or 0)


@skill(title="Approve, reject or reimburse",
       effects=(effect("money", when={"action": ("approve", "reimburse")}),),
       examples=("approve an expense", "reject the receipt", "pay back an employee"),
       synonyms=("approve", "reject", "reimburse", "pay back"),
       instructions="""
    Moves a claim: approve or reject a submitted one (a rejection needs a note saying why), then
    reimburse an approved one (emits expense.reimbursed). Other moves are refused.
    """)
async def decide(ctx: SkillContext, expense_id: int, action: Literal["approve", "reject", "reimburse"],
                 note: str | None = None) -> Expense:
    """Approve, reject or reimburse an expense claim.

    Args:
        expense_id: The claim.
        action: approve, reject or reimburse.
        note: Reason (required to reject).
    """
    expense = await _fetch(ctx, expense_id)
    before, after = NEXT[action]
    if expense.status != before:
        raise SkillFailed(f"expense {expense_id} is {expense.status}; to {action} it, it must be {before}")
    if action == "reject" and not (note and note.strip()):
        raise SkillFailed("say why in `note` when rejecting a claim")
    await ctx.db.execute("UPDATE expenses SET status = ?, note = COALESCE(?, note) WHERE id = ?",
                         (after, note, expense_id))
    if action == "reimburse":
        await ctx.emit("expense.reimbursed", {"id": expense_id, "amount_cents": expense.amount_cents})
    return await _fetch(ctx, expense_id)


@skill(name="expenses_list", title="List expenses",
                             examples=("show expense claims", "which receipts are waiting"),
                             synonyms=("claims", "receipts"),
                             read_only=True,
       instructions="Claims by status, person and category, newest spending first.")
async def list_expenses(
    ctx: SkillContext,
    status: Literal["submitted", "approved", "rejected", "reimbursed"] | None = None,
    person: str | None = None,
    category: Category | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ExpensePage:
    """List expense claims.

    Args:
        status: Only this status.
        person: Only this person's claims.
        category: Only this category.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("status = ?", status).add("person = ?", person).add("category = ?", category)
    return await fetch_page(
        ctx.db, ExpensePage, select="*", from_="expenses", filters=filters, order_by="spent_on DESC, id DESC",
        limit=limit, offset=offset)


@skill(title="Monthly expense totals",
       examples=("what did we spend this month by category", "monthly costs"),
       synonyms=("spend", "costs", "spending"),
       category="analytics", read_only=True,
       instructions="Approved and reimbursed spending of one month (YYYY-MM) by category, and how much is paid back.")
async def monthly_totals(ctx: SkillContext,
                         month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]) -> MonthTotals:
    """Totals of approved spending per category for a month.

    Args:
        month: The month, YYYY-MM.
    """
    rows = await ctx.db.fetchall(
        "SELECT category, SUM(amount_cents) AS total, SUM(CASE WHEN status = 'reimbursed' THEN amount_cents ELSE 0 "
        "END) AS paid FROM expenses WHERE substr(spent_on, 1, 7) = ? AND status IN ('approved', 'reimbursed') "
        "GROUP BY category ORDER BY category", (month,))
    return MonthTotals(month=month, by_category={r["category"]: r["total"] for r in rows},
                       total_cents=sum(r["total"] for r in rows), reimbursed_cents=sum(r["paid"] for r in rows))
