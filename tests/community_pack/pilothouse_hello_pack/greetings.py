"""Greeting people: store the greeting, email a welcome, count them, mail a summary."""

from typing import Annotated

from pydantic import Field

from pilothouse import EMAIL, Email, SkillContext, skill
from pilothouse_hello_pack.model import Greeting, GreetingCount, Summary


@skill(title="Greet someone", examples=("say hello to Ada",), synonyms=("hello", "welcome"),
       instructions="""
       Stores a greeting for a name and returns it. With `email`, a welcome message is queued in the
       outbox too, ending with the `sign_off` setting; the email module sends it on its next delivery
       pass (within seconds).
       """)
async def greet(
    ctx: SkillContext,
    name: Annotated[str, Field(min_length=1, max_length=100)],
    email: Annotated[str | None, Field(pattern=EMAIL)] = None,
) -> Greeting:
    """Greet a person by name and remember it.

    Args:
        name: Who to greet.
        email: Their address, to email them a welcome.
    """
    text = f"Hello, {name}!"
    stored = await ctx.db.execute("INSERT INTO hello_greetings (name, text) VALUES (?, ?)", (name, text))
    if email is not None:
        await ctx.send(Email(to=email, subject=text, text=f"{text}\n\n{ctx.settings['sign_off']}"))
    return Greeting(id=stored.lastrowid or 0, name=name, text=text, emailed=email is not None)


@skill(title="Count greetings", read_only=True, category="analytics",
       instructions="Counts the greetings stored so far.")
async def count(ctx: SkillContext) -> GreetingCount:
    """Count the greetings given so far."""
    return GreetingCount(count=int(await ctx.db.fetchval("SELECT COUNT(*) FROM hello_greetings")))


@skill(title="Mail the greeting summary", instructions="""
       Queues an email to `to` saying how many greetings were given so far. The "Daily summary"
       automation runs it every morning at 08:00 UTC.
       """)
async def daily_summary(ctx: SkillContext, to: Annotated[str, Field(pattern=EMAIL)]) -> Summary:
    """Email how many greetings were given so far.

    Args:
        to: Who gets the summary.
    """
    total = int(await ctx.db.fetchval("SELECT COUNT(*) FROM hello_greetings"))
    queued = await ctx.send(Email(to=to, subject=f"{total} greeting(s) so far",
                                  text=f"The hello pack greeted {total} so far."))
    return Summary(count=total, message_id=queued.outbox_id)
