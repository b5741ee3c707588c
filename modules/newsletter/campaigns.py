"""Campaigns: draft -> sent, one email per active subscriber, never twice to the same person."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.business.profile import load_profile
from modules.business.requirements import require
from modules.email.letters import send_letter
from modules.newsletter.model import Campaign, Stats
from skills import Preview, SkillContext, SkillFailed, consequence, fetch_one, skill
from skills.formats import ONE_LINE
from skills.preview import count


async def _campaign(ctx: SkillContext, campaign_id: int) -> Campaign:
    row = await fetch_one(
        ctx.db,
        "SELECT c.id, c.subject, c.status, (SELECT COUNT(*) FROM newsletter_sends s WHERE s.campaign_id = c.id) AS "
        "recipients FROM newsletter_campaigns c WHERE c.id = ?", (campaign_id,),
        missing=f"no campaign with id {campaign_id}")
    return Campaign(**row)


@skill(title="Draft a campaign",
       examples=("write a newsletter issue", "draft the monthly mailing"),
       synonyms=("issue", "mailing", "edition", "write"),
       instructions="Drafts a newsletter issue. Nothing is sent until newsletter_send_campaign.")
async def create_campaign(ctx: SkillContext,
                          subject: Annotated[str, Field(min_length=3, max_length=200, pattern=ONE_LINE)],
                          body: Annotated[str, Field(min_length=10)]) -> Campaign:
    """Draft a newsletter campaign.

    Args:
        subject: Email subject.
        body: Plain-text body.
    """
    result = await ctx.db.execute("INSERT INTO newsletter_campaigns (subject, body, status, created_at) "
                                  "VALUES (?, ?, 'draft', ?)", (subject, body, ctx.now_iso()))
    return await _campaign(ctx, result.lastrowid or 0)


SHOWN = 10  # recipients a preview names; the rest are counted


async def preview_send(ctx: SkillContext, campaign_id: int) -> Preview:
    row = await fetch_one(
        ctx.db, "SELECT subject, status FROM newsletter_campaigns WHERE id = ?", (campaign_id,),
        missing=f"no campaign with id {campaign_id}")
    if row["status"] != "draft":
        return Preview(summary=f"Nothing would be sent: campaign \"{row['subject']}\" was already sent")
    active = int(await ctx.db.fetchval("SELECT COUNT(*) FROM newsletter_subscribers WHERE status = 'active'") or 0)
    shown = await ctx.db.fetchall("SELECT email FROM newsletter_subscribers WHERE status = 'active' ORDER BY id "
                                  "LIMIT ?", (SHOWN,))
    lines = [consequence(r["email"]) for r in shown]
    if active > SHOWN:
        lines.append(consequence(f"... and {active - SHOWN:,} more"))
    return Preview(summary=f"Email campaign \"{row['subject']}\" to {count(active, 'active subscriber')}",
                   lines=[consequence(f"campaign \"{row['subject']}\" (draft)", "newsletter_campaigns", campaign_id,
                                      f"campaign {row['subject']}"), *lines],
                   note=None if active else "The call would be refused: there are no active subscribers yet.")


@skill(title="Send a campaign",
       effects=("message",),
       examples=("send the newsletter", "mail the campaign to subscribers"),
       synonyms=("blast", "mailing", "send out"),
       trust="approve", preview=preview_send,
       targets={"campaign_id": "newsletter_campaigns"},
       open_world=True, instructions="""
       Bulk email: queues the campaign to every ACTIVE subscriber (one outbox email each, text and
       HTML in the business's name, with the sender's postal address and an unsubscribe line) and
       marks it sent. Refused while the business profile lacks a name or postal address. A campaign
       goes out once; a subscriber never gets the same campaign twice. Reaches customers: approve trust.
       """)
async def send_campaign(ctx: SkillContext, campaign_id: int) -> Campaign:
    """Send a drafted campaign to all active subscribers.

    Args:
        campaign_id: The campaign to send.
    """
    row = await fetch_one(
        ctx.db, "SELECT subject, body, status FROM newsletter_campaigns WHERE id = ?", (campaign_id,),
        missing=f"no campaign with id {campaign_id}")
    if row["status"] != "draft":
        raise SkillFailed(f"campaign {campaign_id} was already sent")
    subscribers = await ctx.db.fetchall("SELECT id, email FROM newsletter_subscribers WHERE status = 'active'")
    if not subscribers:
        raise SkillFailed("there are no active subscribers yet; nothing would be sent")
    profile = require(await load_profile(ctx.db), "newsletter")
    # Commercial mail says who sends it and how to stop it; the template cannot drop either.
    note = (f"You receive this because you subscribed to news from {profile.name}, "
            f"{', '.join(profile.address_lines())}. To stop these emails, reply UNSUBSCRIBE.")
    for sub in subscribers:
        outbox_id = await send_letter(ctx, sub["email"], "newsletter",
                                      {"subject": row["subject"], "body": row["body"]},
                                      purpose=f"newsletter:{campaign_id}", profile=profile, note=note)
        await ctx.db.execute("INSERT INTO newsletter_sends (campaign_id, subscriber_id, outbox_id) VALUES (?, ?, ?)",
                             (campaign_id, sub["id"], outbox_id))
    await ctx.db.execute("UPDATE newsletter_campaigns SET status = 'sent', sent_at = ? WHERE id = ?",
                         (ctx.now_iso(), campaign_id))
    await ctx.emit("campaign.sent", {"id": campaign_id, "recipients": len(subscribers)})
    return await _campaign(ctx, campaign_id)


@skill(title="Newsletter statistics",
       examples=("how many people get our newsletter", "newsletter numbers"),
       synonyms=("subscribers", "count", "statistics"),
       category="analytics", read_only=True,
       instructions="Subscribers by status and every campaign with its number of recipients.")
async def stats(ctx: SkillContext) -> Stats:
    """Subscriber counts and campaigns sent."""
    counts = {r["status"]: r["n"] for r in await ctx.db.fetchall(
        "SELECT status, COUNT(*) AS n FROM newsletter_subscribers GROUP BY status")}
    ids = [r["id"] for r in await ctx.db.fetchall("SELECT id FROM newsletter_campaigns ORDER BY id")]
    return Stats(active=counts.get("active", 0), pending=counts.get("pending", 0),
                 unsubscribed=counts.get("unsubscribed", 0), campaigns=[await _campaign(ctx, i) for i in ids])
