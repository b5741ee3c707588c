"""Expenses: claims with approval and reimbursement, monthly totals by category."""

from modules.expenses import claims, demo
from modules.expenses.schema import MIGRATIONS
from skills import Module

module = Module(
    id="expenses",
    name="Expenses",
    description="Expense claims with approval and reimbursement, and monthly totals by category.",
    category="finance",
    version="1.0.0",
    skills=(claims.submit, claims.decide, claims.list_expenses, claims.monthly_totals),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
