"""Sample contracts for `pilothouse seed-demo`: what a small company has signed, one decision due soon.

The office lease's notice deadline falls about two weeks out, inside the default 30-day window,
so `contracts_check_renewals` has something to raise; it is left unflagged so that first check
reports it (and emits contract.renewal_due) like a real one would. Plain SQL: no events here.
"""

from __future__ import annotations

from datetime import date, timedelta

from modules.contracts.contracts import add_months
from skills import SkillContext

# (party, title, term months, value cents per term, notice days, auto renew, status, anchor)
# anchor: ("ends", days from today) for the contract that must come up soon, else ("started", months ago).
CONTRACTS = [
    ("Harbourside Properties", "Office lease, unit 4", 12, 2_160_000, 60, True, "active", ("ends", 75)),
    ("CloudNine Hosting", "Managed hosting and backups", 24, 1_440_000, 90, True, "active", ("started", 7)),
    ("Brightline Cleaning", "Office cleaning, twice weekly", 12, 480_000, 30, True, "active", ("started", 2)),
    ("Northwind Traders", "Annual supply agreement", 12, 1_800_000, 30, False, "active", ("started", 9)),
    ("Swiftcopy Printers", "Printer lease", 36, 540_000, 90, False, "terminated", ("started", 35)),
]


def _start(today: date, anchor: tuple[str, int], term_months: int) -> date:
    kind, amount = anchor
    return add_months(today + timedelta(days=amount), -term_months) if kind == "ends" else add_months(today, -amount)


async def seed(ctx: SkillContext) -> None:
    today = ctx.now().date()
    for party, title, term, value, notice, auto_renew, status, anchor in CONTRACTS:
        start = _start(today, anchor, term)
        end = add_months(start, term)  # the same rule contracts_create applies
        await ctx.db.execute(
            "INSERT INTO contracts (party, title, start_date, end_date, value_cents, term_months, notice_days, "
            "auto_renew, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (party, title, start.isoformat(), end.isoformat(), value, term, notice, int(auto_renew), status))
