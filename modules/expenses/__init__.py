"""Expenses: claims with approval and reimbursement, monthly totals by category."""

from modules.expenses import claims, demo
from skills import Migration, Module

module = Module(
    id="expenses",
    name="Expenses",
    description="Expense claims with approval and reimbursement, and monthly totals by category.",
    category="finance",
    version="1.0.0",
    skills=(claims.submit, claims.decide, claims.list_expenses, claims.monthly_totals),
    migrations=(Migration(1, """
        CREATE TABLE expenses (
            id INTEGER PRIMARY KEY,
            person TEXT NOT NULL,
            category TEXT NOT NULL,
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            spent_on TEXT NOT NULL,
            description TEXT NOT NULL,
            receipt TEXT,
            status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected', 'reimbursed')),
            note TEXT,
            created_at TEXT NOT NULL
        );
    """),),
    seed_demo=demo.seed,
)
