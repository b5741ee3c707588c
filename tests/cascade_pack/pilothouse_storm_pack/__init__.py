"""A community module written the way the seed's failures happen, for tests/test_honest_outcomes.py.

- ``storm_import_leads`` reads a partner API that, with wrong credentials, answers 200 and an
  empty list: no exception, no effect (silent degradation). It declares ``expects_effect``.
- ``storm_push`` POSTs to a receiver and, on a refusal, reports it and returns normally (the
  403 receiver): a hard-gate failure the handler never raised.
- ``storm_relay`` runs on every ``storm.ping`` and emits two more (a cascade that doubles).
- ``storm_burst`` emits ``storm.burst`` events; ``storm_note`` records one per event, at most
  5 an hour (a declared rate limit).
"""

from pydantic import BaseModel

from skills import Automation, Migration, Module, SkillContext, classify_http_status, skill


class Imported(BaseModel):
    imported: int


class Pushed(BaseModel):
    delivered: int
    failed: int


class Emitted(BaseModel):
    emitted: int


@skill(name="storm_import_leads", title="Import partner leads", category="crm", transactional=False,
       open_world=True, expects_effect=True, instructions="Reads new leads from the partner API at `url`.")
async def import_leads(ctx: SkillContext, url: str) -> Imported:
    """Import new leads from the partner API.

    Args:
        url: The partner API's leads endpoint.
    """
    response = await ctx.http.get(url, timeout=5)
    response.raise_for_status()
    items = response.json().get("items", [])
    ctx.report(done=len(items))
    return Imported(imported=len(items))


@skill(name="storm_push", title="Push a notice", category="communication", transactional=False, open_world=True,
       instructions="POSTs one notice to the receiver at `url`; a refusal is reported, not raised.")
async def push(ctx: SkillContext, url: str) -> Pushed:
    """Push one notice to a receiver.

    Args:
        url: The receiver's URL.
    """
    response = await ctx.http.post(url, json={"notice": "hello"}, timeout=5)
    if response.status_code >= 400:
        ctx.report(failed=1, failure=classify_http_status(response.status_code, response.text),
                   detail=f"the receiver answered {response.status_code}")
        return Pushed(delivered=0, failed=1)
    ctx.report(done=1)
    return Pushed(delivered=1, failed=0)


@skill(name="storm_relay", title="Relay a ping", category="automation",
       instructions="Emits two storm.ping events for every one it runs on.")
async def relay(ctx: SkillContext) -> Emitted:
    """Relay a ping to two more listeners."""
    for _ in range(2):
        await ctx.emit("storm.ping", {})
    return Emitted(emitted=2)


@skill(name="storm_ping", title="Start a ping", category="automation", instructions="Emits one storm.ping event.")
async def ping(ctx: SkillContext) -> Emitted:
    """Start a chain of pings."""
    await ctx.emit("storm.ping", {})
    return Emitted(emitted=1)


@skill(name="storm_burst", title="Emit a burst", category="automation",
       instructions="Emits `count` storm.burst events.")
async def burst(ctx: SkillContext, count: int) -> Emitted:
    """Emit a burst of events.

    Args:
        count: How many events.
    """
    for _ in range(count):
        await ctx.emit("storm.burst", {})
    return Emitted(emitted=count)


@skill(name="storm_note", title="Note a burst event", category="automation", instructions="Stores one note.")
async def note(ctx: SkillContext) -> Emitted:
    """Note one burst event."""
    await ctx.db.execute("INSERT INTO storm_notes (at) VALUES (?)", (ctx.now_iso(),))
    return Emitted(emitted=0)


module = Module(
    id="storm",
    name="Storm pack",
    description="Reproduces the seed's failure stories (a community module for tests).",
    category="automation",
    version="0.1.0",
    skills=(import_leads, push, relay, ping, burst, note),
    automations=(
        Automation(name="Relay pings", trigger="event", config={"event": "storm.ping"}, skill="storm_relay"),
        Automation(name="Note bursts", trigger="event", config={"event": "storm.burst"}, skill="storm_note",
                   max_runs_per_hour=5),
    ),
    migrations=(Migration(1, "CREATE TABLE storm_notes (id INTEGER PRIMARY KEY, at TEXT NOT NULL)"),),
)
