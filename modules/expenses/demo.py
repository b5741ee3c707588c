"""Sample expense claims for `pilothouse seed-demo`: a few in each state, over this month and last.

Written with plain SQL so each claim keeps the day it was filed and its decision note; going
through `expenses_decide` would emit `expense.reimbursed` events now for money paid back weeks
ago. Each status is one `expenses_decide` can reach (see NEXT), and a rejection carries its reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import get_args

from modules.expenses.claims import NEXT, Category
from skills import SkillContext

# (person, category, amount in cents, days ago spent, description, receipt, status, note)
CLAIMS = [
    ("Ana Costa", "travel", 18_640, 24, "Train to Kestrel depot, return", "rcpt-0141.pdf", "reimbursed", None),
    ("Jonas Weber", "meals", 7_350, 23, "Lunch with Kestrel ops team", "rcpt-0142.jpg", "reimbursed", None),
    ("Ana Costa", "software", 4_500, 15, "Figma, one extra seat for October", "inv-figma-10.pdf", "reimbursed",
     None),
    ("Jonas Weber", "travel", 32_900, 9, "Hotel, two nights for the fleet pilot kick-off", "rcpt-0150.pdf",
     "approved", "Within the travel policy"),
    ("Ana Costa", "marketing", 12_000, 6, "Sponsored post for the invoicing webinar", "inv-li-2231.pdf",
     "approved", None),
    ("Jonas Weber", "equipment", 27_999, 3, "27-inch monitor for the home office", "rcpt-0157.jpg", "submitted",
     None),
    ("Ana Costa", "meals", 4_280, 1, "Team breakfast before the client workshop", None, "submitted", None),
    ("Jonas Weber", "other", 5_900, 12, "Gym membership, November", "rcpt-0149.pdf", "rejected",
     "Not a business expense under our policy; wellbeing budget covers it instead"),
]
REACHABLE = {"submitted"} | {after for _, after in NEXT.values()}


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    for person, category, cents, days_ago, description, receipt, status, note in CLAIMS:
        if category not in get_args(Category) or status not in REACHABLE or (status == "rejected" and not note):
            raise ValueError(f"demo expense {description!r} breaks the module's rules")
        spent = now - timedelta(days=days_ago)
        filed = min(spent + timedelta(hours=20), now)  # claimed the next day, or today if spent today
        await ctx.db.execute(
            "INSERT INTO expenses (person, category, amount_cents, spent_on, description, receipt, status, note, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (person, category, cents, spent.date().isoformat(), description, receipt, status, note,
             filed.isoformat(timespec="seconds")))
