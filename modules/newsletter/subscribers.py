"""Newsletter subscribers with double opt-in: subscribe -> pending (token mailed) -> confirm -> active."""

from __future__ import annotations

import secrets
from typing import Annotated

from pydantic import Field

from modules.business.profile import load_profile
from modules.email.letters import send_letter
from modules.newsletter.model import Subscriber
from skills import NotFound, SkillContext, SkillFailed, skill
from skills.formats import EMAIL


async def _by_email(ctx: SkillContext, email: str) -> dict | None:  # type: ignore[type-arg]
    return await ctx.db.fetchone("SELECT id, email, status, token FROM newsletter_subscribers WHERE email = ?",
                                 (email,))


@skill(title="Subscribe to the newsletter",
       examples=("add someone to the mailing list", "sign up for the newsletter"),
       synonyms=("mailing list", "sign up", "opt in", "subscriber"),
       scope="external",
       instructions="""
       Starts a double opt-in: the address becomes `pending` and a confirmation email with a token
       is queued. Only confirmed (active) subscribers receive campaigns. Subscribing an active
       address changes nothing; an unsubscribed one starts over.
       """)
async def subscribe(ctx: SkillContext, email: Annotated[str, Field(pattern=EMAIL)]) -> Subscriber:
    """Subscribe an email address (double opt-in).

    Args:
        email: The subscriber's email address.
    """
    row = await _by_email(ctx, email)
    if row and row["status"] == "active":
        ctx.set_outcome("no_effect")
        return Subscriber(id=row["id"], email=email, status="active")
    token = secrets.token_urlsafe(16)
    if row:
        await ctx.db.execute("UPDATE newsletter_subscribers SET status = 'pending', token = ? WHERE id = ?",
                             (token, row["id"]))
        subscriber_id = row["id"]
    else:
        result = await ctx.db.execute("INSERT INTO newsletter_subscribers (email, status, token, created_at) "
                                      "VALUES (?, 'pending', ?, ?)", (email, token, ctx.now_iso()))
        subscriber_id = result.lastrowid or 0
    await send_letter(ctx, email, "newsletter-confirmation", {"token": token}, purpose="newsletter:confirm",
                      profile=await load_profile(ctx.db))
    return Subscriber(id=subscriber_id, email=email, status="pending")


@skill(title="Confirm a subscription",
       examples=("confirm the opt-in", "double opt-in confirmation"),
       synonyms=("opt in", "verify", "token"),
       scope="external",
       instructions="Activates a pending subscription with the token from its confirmation email.")
async def confirm(ctx: SkillContext, token: Annotated[str, Field(min_length=8)]) -> Subscriber:
    """Confirm a pending subscription with its token.

    Args:
        token: The code from the confirmation email.
    """
    row = await ctx.db.fetchone("SELECT id, email FROM newsletter_subscribers WHERE token = ? AND status = 'pending'",
                                (token,))
    if row is None:
        raise SkillFailed("unknown or already used token; subscribe again to get a new one")
    await ctx.db.execute("UPDATE newsletter_subscribers SET status = 'active', token = NULL, confirmed_at = ? "
                         "WHERE id = ?", (ctx.now_iso(), row["id"]))
    await ctx.emit("subscriber.confirmed", {"id": row["id"]})
    return Subscriber(id=row["id"], email=row["email"], status="active")


@skill(title="Unsubscribe",
       examples=("remove an email from the mailing list", "stop sending someone the newsletter"),
       synonyms=("opt out", "remove", "mailing list", "stop"),
       scope="external",
       idempotent=True, instructions="Stops all campaigns to an address at once. The row is kept to honour the choice.")
async def unsubscribe(ctx: SkillContext, email: Annotated[str, Field(pattern=EMAIL)]) -> Subscriber:
    """Unsubscribe an email address.

    Args:
        email: The address to remove from mailings.
    """
    row = await _by_email(ctx, email)
    if row is None:
        raise NotFound(f"{email} is not a subscriber")
    await ctx.db.execute("UPDATE newsletter_subscribers SET status = 'unsubscribed', token = NULL WHERE id = ?",
                         (row["id"],))
    return Subscriber(id=row["id"], email=email, status="unsubscribed")
