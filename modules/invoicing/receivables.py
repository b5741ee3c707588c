"""Money owed: the overdue check, dunning reminders and accounts-receivable aging."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from modules.business.profile import load_profile
from modules.business.requirements import require
from modules.invoicing.mail import mail_reminder
from modules.invoicing.model import Aging, Bucket, Invoice, Overdue, Reminded, load
from skills import Preview, SkillContext, consequence, skill
from skills.money import format_money as money
from skills.preview import count, total

REMINDER_EVERY = timedelta(days=7)
BUCKETS = (("current", None, 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


def tone(days_overdue: int) -> tuple[str, str]:
    if days_overdue <= 14:
        return "Friendly reminder", "This is a friendly reminder that the invoice below is now due."
    if days_overdue <= 45:
        return "Second notice", "Our records show the invoice below is still unpaid. Please arrange payment this week."
    return "Final notice", ("The invoice below is seriously overdue. Please pay within 7 days or contact us; "
                            "otherwise we will have to pause service.")


@skill(title="Check for overdue invoices",
       examples=("which invoices are late", "mark late invoices overdue"),
       synonyms=("late", "past due", "unpaid"),
       idempotent=True,
       instructions="Marks sent invoices past their due date overdue (emits invoice.overdue once). Daily at 09:00.")
async def check_overdue(ctx: SkillContext) -> Overdue:
    """Mark sent invoices past their due date as overdue."""
    today = ctx.now().date().isoformat()
    rows = await ctx.db.fetchall("SELECT id, number FROM invoicing_invoices WHERE status = 'sent' AND due_date < ?",
                                 (today,))
    for row in rows:
        await ctx.db.execute("UPDATE invoicing_invoices SET status = 'overdue' WHERE id = ?", (row["id"],))
        await ctx.emit("invoice.overdue", {"id": row["id"], "number": row["number"]})
    if not rows:
        ctx.set_outcome("no_effect")
    return Overdue(newly_overdue=[r["number"] for r in rows])


async def due_reminders(ctx: SkillContext) -> tuple[list[tuple[Invoice, int]], list[str]]:
    """The overdue invoices a reminder goes out for now, with their days overdue (oldest due first), and
    the numbers of those reminded within the last 7 days: what the skill sends and its preview shows."""
    now = ctx.now()
    rows = await ctx.db.fetchall("SELECT id, last_reminder_at FROM invoicing_invoices WHERE status = 'overdue' "
                                 "ORDER BY due_date")
    due, skipped = [], []
    for row in rows:
        invoice = await load(ctx, row["id"])
        if row["last_reminder_at"] and now - datetime.fromisoformat(row["last_reminder_at"]) < REMINDER_EVERY:
            skipped.append(invoice.number or str(invoice.id))
            continue
        due.append((invoice, (now.date() - date.fromisoformat(invoice.due_date or now.date().isoformat())).days))
    return due, skipped


async def preview_reminders(ctx: SkillContext) -> Preview:
    due, skipped = await due_reminders(ctx)
    note = f"Not reminded again yet (reminded in the last 7 days): {', '.join(skipped)}" if skipped else None
    if not due:
        return Preview(summary="Nothing would be sent: no overdue invoice is due a reminder", note=note)
    customers = {invoice.customer_email for invoice, _ in due}
    return Preview(
        summary=f"Email {count(len(customers), 'customer')} about {count(len(due), 'overdue invoice')}, "
                f"{total((i.balance_cents, i.currency) for i, _ in due)} in total",
        lines=[consequence(f"{i.customer} <{i.customer_email}>: {tone(days)[0].lower()} for invoice "
                           f"{i.number}, {money(i.balance_cents, i.currency)}, {days} days overdue",
                           "invoicing_invoices", i.id, f"invoice {i.number}") for i, days in due],
        note=note)


@skill(title="Send payment reminders",
       effects=("message", "money"),
       examples=("chase unpaid bills", "remind customers to pay", "dunning letters"),
       synonyms=("chase", "dunning", "nudge", "late payers", "owe"),
       trust="approve", preview=preview_reminders,
       open_world=True, instructions="""
       Dunning: emails a reminder for each overdue invoice, firmer as it ages (friendly up to 14 days,
       second notice up to 45, then a final notice), at most once every 7 days per invoice. Each
       reminder is a PDF of its own (numbered INV-...-R1, R2...) sent with a copy of the invoice.
       Refused while the business profile lacks what a reminder needs. Reaches customers: approve trust.
       """)
async def send_reminders(ctx: SkillContext) -> Reminded:
    """Email payment reminders for overdue invoices."""
    now = ctx.now()
    due, skipped = await due_reminders(ctx)
    reminded = []
    profile = require(await load_profile(ctx.db), "reminder") if due else None
    for invoice, days in due:
        number = invoice.number or str(invoice.id)
        title, opening = tone(days)
        assert profile is not None
        await mail_reminder(ctx, invoice, title=title, opening=opening, days=days, profile=profile)
        await ctx.db.execute("UPDATE invoicing_invoices SET last_reminder_at = ? WHERE id = ?",
                             (now.isoformat(timespec="seconds"), invoice.id))
        reminded.append(number)
    if not reminded:
        ctx.set_outcome("no_effect")
    return Reminded(reminded=reminded, skipped_recent=skipped)


@skill(title="Receivables aging",
       examples=("who owes us money", "how late are our customers paying", "outstanding balances by age"),
       synonyms=("owe", "owed", "debtors", "outstanding", "receivables", "late payers"),
       read_only=True, instructions="""
    Accounts-receivable aging: the unpaid balance of sent and overdue invoices in buckets by days
    past due: current (not yet due), 1-30, 31-60, 61-90, 90+.
    """)
async def ar_aging(ctx: SkillContext) -> Aging:
    """Outstanding receivables bucketed by days past due."""
    today = ctx.now().date()
    ids = [r["id"] for r in await ctx.db.fetchall(
        "SELECT id FROM invoicing_invoices WHERE status IN ('sent', 'overdue')")]
    totals = {name: [0, 0] for name, _, _ in BUCKETS}
    for invoice_id in ids:
        invoice = await load(ctx, invoice_id)
        late = (today - date.fromisoformat(invoice.due_date or today.isoformat())).days
        name = next(n for n, lo, hi in BUCKETS if (lo is None and late <= 0) or
                    (lo is not None and late >= lo and (hi is None or late <= hi)))
        totals[name][0] += 1
        totals[name][1] += invoice.balance_cents
    buckets = [Bucket(bucket=n, invoices=totals[n][0], outstanding_cents=totals[n][1]) for n, _, _ in BUCKETS]
    return Aging(as_of=today.isoformat(), buckets=buckets, total_outstanding_cents=sum(b.outstanding_cents
                                                                                       for b in buckets))
