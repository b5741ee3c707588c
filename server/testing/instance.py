"""An instance of only the modules under test, for a pack's own tests (``pilothouse.testing``).

    async with open_instance(module) as house:          # a fresh database, your module, a mail sink
        await house.call("hello_greet", name="Ada")     # through the real MCP client
        due = await house.run_due(at=house.clock.now() + timedelta(days=1))   # automations and schedules
        assert [m.subject for m in house.deliveries()] == ["Hello, Ada!"]

What it holds: the modules handed in, the built-in modules they ``require``, and the email module
(mail is what most packs send; ``run_due`` ends with a delivery pass, as every process makes), enabled
on a fresh SQLite file in WAL mode, as in production. The mail sink is a real SMTP server on
127.0.0.1 the email module is configured with. Nothing is mocked: a call goes through the MCP SDK
client, the executor and its resilience layers; ``run_due`` runs what the scheduler would.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from server.testing.clock import FakeClock
from skills import Module

if TYPE_CHECKING:
    from server.app import App
    from server.scheduler.automations import DispatchReport
    from server.scheduler.service import Scheduler
    from server.testing.harness import McpHarness
    from server.testing.receivers import SmtpSink

MAIL_MODULE = "email"
SENDER = "pack-tests@example.com"


@dataclass(frozen=True, slots=True)
class Fired:
    """One automation ``run_due`` ran: its name, the skill, and whether the call succeeded."""

    automation: str
    skill: str
    ok: bool
    status: str


@dataclass(frozen=True, slots=True)
class Due:
    """What one ``run_due`` did: the automations it fired, the schedules it ran, what it could not run."""

    at: datetime
    fired: list[Fired]
    schedules: dict[str, str]  # schedule name -> its status
    problems: list[str]  # missed occurrences, automations in error, arguments an event could not fill

    def ran(self, automation: str) -> bool:
        """Whether the automation of that name ran (and succeeded) in this ``run_due``."""
        return any(f.automation == automation and f.ok for f in self.fired)


@dataclass(frozen=True, slots=True)
class Message:
    """A message in the outbox: queued (``pending``), ``sent`` or ``failed``."""

    id: int
    channel: str
    to: str
    subject: str
    body: str
    purpose: str
    status: str
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """A message the mail sink received: what a person's inbox would hold."""

    to: str
    sender: str
    subject: str
    body: str
    message_id: str


@dataclass
class Instance:
    """A running instance of the modules under test; see the module docstring."""

    app: App
    clock: FakeClock
    mcp: McpHarness
    mail: SmtpSink | None
    _scheduler: Scheduler = field(repr=False)

    async def call(self, skill: str, /, **arguments: Any) -> Any:
        """Call a skill that must succeed, through the MCP client; returns its structured result."""
        return await self.mcp.call(skill, **arguments)

    async def error(self, skill: str, /, **arguments: Any) -> str:
        """Call a skill that must fail; returns the error message a model would read."""
        return await self.mcp.error(skill, **arguments)

    async def configure(self, module_id: str, **settings: Any) -> dict[str, Any]:
        """``pilothouse modules configure``: checked against the module's settings model."""
        return await self.app.modules.configure(module_id, settings)

    async def run_due(self, *, at: datetime | None = None) -> Due:
        """Move the clock to ``at`` (default: now) and run what is due then: every enabled automation
        (cron and event) and platform schedule, as ``serve`` would.

        What is new since the last call (a module enabled, a first call) is armed first, at the clock's
        current time, as the scheduler would have armed it then: a daily automation then runs at its
        next occurrence up to ``at``. An occurrence more than the catch-up window (1 h) before ``at``
        is missed, not run late: ``Due.problems`` says so.
        """
        if at is not None and at < self.clock.now():
            raise ValueError(f"run_due(at={at.isoformat()}) is before the instance's clock "
                             f"({self.clock.now().isoformat()}): time only moves forward")
        before = await self._tick()  # arms what is new, runs what is due already
        if at is not None:
            self.clock.current = at
        entries, report = await self._tick()
        entries = {**before[0], **entries}
        names = {r["id"]: (r["name"], r["last_status"] or "") for r in await self.app.store.fetchall(
            "SELECT id, name, last_status FROM automations")}
        fired = []
        for auto_id, skill, ok in [*before[1].fired, *report.fired]:
            name, status = names.get(auto_id, (f"#{auto_id}", ""))
            fired.append(Fired(name, skill, ok, status))
        problems = [*before[1].errors, *report.errors]
        missed, held = before[1].missed + report.missed, before[1].held + report.held
        if missed:
            problems.append(f"{missed} occurrence(s) or event(s) missed: older than the catch-up window (1 h)")
        if held:
            problems.append(f"{held} event(s) held back at the cascade depth limit")
        return Due(self.clock.now(), fired, entries, problems)

    async def _tick(self) -> tuple[dict[str, str], DispatchReport]:
        from server.agent.bootstrap import agent_enabled
        from server.delivery_loop import DeliveryLoop
        from server.scheduler.automations import dispatch

        entries = {e.schedule: e.status for e in await self._scheduler.tick()}
        report = await dispatch(self.app, agent_on=await agent_enabled(self.app))
        await DeliveryLoop(self.app).deliver()  # what the automations queued leaves in the same pass
        return entries, report

    async def outbox(self) -> list[Message]:
        """Every message queued to leave, oldest first, with its state."""
        rows = await self.app.store.fetchall(
            "SELECT id, channel, recipient, subject, body, purpose, status, attempts, last_error FROM outbox "
            "ORDER BY id")
        return [Message(r["id"], r["channel"], r["recipient"], r["subject"], r["body"], r["purpose"], r["status"],
                        r["attempts"], r["last_error"]) for r in rows]

    def deliveries(self) -> list[Delivery]:
        """Every message the mail sink received, in arrival order (empty without the sink)."""
        received = self.mail.messages if self.mail is not None else []
        return [Delivery(str(m["To"]), str(m["From"]), str(m["Subject"]), _text(m), str(m["Message-ID"]))
                for m in received]


def with_requirements(modules: Sequence[Module], *, mail: bool) -> list[Module]:
    """The modules under test, after the built-ins they require (and the email module, for mail)."""
    from modules import BUILTIN_MODULES

    builtins = {m.id: m for m in BUILTIN_MODULES}
    wanted: list[Module] = []

    def add(module: Module) -> None:
        if any(m.id == module.id for m in wanted):
            return
        for required in module.requires:
            if required in builtins:
                add(builtins[required])
        wanted.append(module)

    if mail:
        add(builtins[MAIL_MODULE])
    for module in modules:
        add(module)
    return wanted


@asynccontextmanager
async def open_instance(
    *modules: Module, db: str | Path | None = None, clock: FakeClock | None = None, mail: bool = True,
) -> AsyncIterator[Instance]:
    """A fresh instance of ``modules`` (see the module docstring). ``db``: where (default: a temporary
    SQLite file); ``clock``: the clock it reads (default: a ``FakeClock`` at ``START``); ``mail``:
    start the SMTP sink and configure the email module with it."""
    from mcp import Client

    from server.assembly import Process, open_app, scheduler_for
    from server.jobs import platform_actions
    from server.testing.harness import McpHarness
    from server.testing.receivers import smtp_sink

    clock = clock or FakeClock()
    async with AsyncExitStack() as stack:
        if db is None:
            db = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pilothouse-"))) / "instance.db"
        app = await stack.enter_async_context(
            open_app(db, modules=with_requirements(modules, mail=mail), clock=clock, retry_delay_s=0))
        sink = None
        if mail:
            sink = await stack.enter_async_context(smtp_sink())
            await app.modules.configure(MAIL_MODULE, {"smtp_host": sink.host, "smtp_port": sink.port,
                                                      "smtp_from": SENDER})
        surface = Process.assemble(app, scheduler=False).surface
        client = await stack.enter_async_context(Client(surface.server, raise_exceptions=True))

        async def agent_on() -> bool:
            from server.agent.bootstrap import agent_enabled

            return await agent_enabled(app)

        # The automations run in run_due itself, so its report can say which fired.
        actions = {k: v for k, v in platform_actions(agent_on).items() if k != "automation_dispatcher"}
        yield Instance(app, clock, McpHarness(client), sink, scheduler_for(app, actions=actions))


def _text(message: Any) -> str:
    payload = message.get_payload(decode=True)
    return payload.decode(message.get_content_charset() or "utf-8").strip() if isinstance(payload, bytes) else ""
