"""Email: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    now = ctx.now_iso()
    for name, subject, body in (
        ("welcome", "Welcome, {{first_name}}!", "Hi {{first_name}},\n\nThanks for signing up.\n"),
        ("invoice-reminder", "Invoice {{number}} is overdue", "Hello,\n\nInvoice {{number}} is {{days}} days "
                                                              "overdue. Please pay at your earliest convenience.\n"),
    ):
        await ctx.db.execute("INSERT INTO email_templates (name, subject, body, created_at) VALUES (?, ?, ?, ?)",
                             (name, subject, body, now))
