"""A community module: one table, two skills, one automation; installed with pip, found by entry point."""

from pydantic import BaseModel

from skills import Automation, Migration, Module, SkillContext, skill


class Greeting(BaseModel):
    id: int
    name: str
    text: str


class GreetingCount(BaseModel):
    count: int


@skill(name="hello_greet", title="Greet someone", category="communication",
       instructions="Stores and returns a greeting for a name.")
async def greet(ctx: SkillContext, name: str) -> Greeting:
    """Greet a person by name and remember it.

    Args:
        name: Who to greet.
    """
    text = f"Hello, {name}!"
    result = await ctx.db.execute("INSERT INTO hello_greetings (name, text) VALUES (?, ?)", (name, text))
    return Greeting(id=result.lastrowid or 0, name=name, text=text)


@skill(name="hello_count", title="Count greetings", category="analytics", read_only=True,
       instructions="Counts the greetings stored so far.")
async def count(ctx: SkillContext) -> GreetingCount:
    """Count the greetings given so far."""
    return GreetingCount(count=await ctx.db.fetchval("SELECT COUNT(*) FROM hello_greetings"))


module = Module(
    id="hello",
    name="Hello pack",
    description="Greets people (a community module example).",
    category="communication",
    version="0.1.0",
    skills=(greet, count),
    automations=(Automation(name="Daily count", trigger="cron", config={"schedule": "0 8 * * *"},
                            skill="hello_count"),),
    migrations=(Migration(1, "CREATE TABLE hello_greetings (id INTEGER PRIMARY KEY, name TEXT, text TEXT)"),),
)
