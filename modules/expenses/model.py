"""Expenses: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class Expense(Record):
    id: int
    person: str
    category: str
    amount_cents: int
    spent_on: str
    description: str
    receipt: str | None
    status: str
    note: str | None


class ExpensePage(Page[Expense]):
    pass


class MonthTotals(Record):
    month: str
    by_category: dict[str, int]
    total_cents: int
    reimbursed_cents: int
