"""The scheduler: a background service in the same anyio task group as the MCP transport (or alone,
in ``pilothouse worker``).

Every tick (default 20 s, a bounded wait, never a busy loop):

- the first tick registers the platform schedules that are missing (idempotent), so a
  fresh instance whose agent was never enabled still delivers its mail;
- each schedule may have a gate (the agent's schedules: "is the agent on?"). A closed gate
  skips the schedule without claiming it and cancels its in-flight run (which keeps its
  checkpoint): turning the agent off stops the agent's work within one tick, while the
  platform's own work (delivering the outbox, publishing) goes on;
- for each due, open schedule row: take the lease ``schedule:<name>`` (two processes never
  run the same schedule at once), re-read the row, claim the occurrence by moving
  ``next_run`` (compare-and-set), record what the missed-run policy skipped, run the action,
  store ``last_run`` / ``last_status``.

The heartbeat runs in its own task so the minutely dispatcher never waits on a model.
Short actions are shielded from cancellation for a bounded time, so a shutdown drains
them instead of cutting a skill call in half.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import anyio

from server.scheduler import cron, lease, schedules
from server.tables import activity
from server.telemetry.schedule import traced_action, traced_tick

if TYPE_CHECKING:
    from server.app import App
    from server.mcp.surface import Surface

log = logging.getLogger(__name__)

SHORT_LEASE_S = lease.SHORT_TTL_S  # renewed while the run lasts (lease.kept)
DRAIN_S = 300.0


@dataclass(frozen=True, slots=True)
class Timing:
    """How the scheduler paces itself, read fresh every tick (a person may change it meanwhile)."""

    tick_s: float = 20.0
    catch_up_window_s: float = cron.DEFAULT_WINDOW.total_seconds()
    lease_ttl_s: float = SHORT_LEASE_S  # how long a crashed holder on another host keeps a schedule


Action = Callable[["App", "Scheduler"], Awaitable[str]]  # (app, scheduler) -> a short status
Gate = Callable[[], Awaitable[bool]]  # whether a schedule may run now (False: skip it, stop its run)
TimingSource = Callable[[], Awaitable[Timing]]


@dataclass(frozen=True, slots=True)
class TickEntry:
    schedule: str
    status: str  # what ran (its status), "missed: ...", or "started" for a background heartbeat


class Scheduler:
    """Runs ``actions`` by the ``schedules`` rows, each while its gate (if any) is open; knows nothing
    of what they do.

    The composition root (server/assembly.py) hands it the platform's actions, the gates (the
    agent's on/off switch, on the agent's schedules) and where its timing comes from.
    """

    def __init__(self, app: App, *, actions: Mapping[str, Action], timing: TimingSource,
                 gates: Mapping[str, Gate] | None = None, long_running: frozenset[str] = frozenset(),
                 holder: str | None = None, rng: random.Random | None = None) -> None:
        self.app = app
        self.actions = actions
        self.gates = dict(gates or {})  # schedule name -> its gate; a schedule without one always runs
        self.timing = timing
        self.long_running = long_running  # run in their own task: the minutely jobs never wait on them
        self.holder = holder or lease.new_holder_id("scheduler")
        self.rng = rng or random.Random()
        self.window_s = cron.DEFAULT_WINDOW.total_seconds()
        self._tg: anyio.abc.TaskGroup | None = None
        self._inflight: dict[str, anyio.CancelScope] = {}
        self._registered = False

    @traced_tick
    async def tick(self) -> list[TickEntry]:
        if not self._registered:
            async with self.app.store.transaction() as tx:
                await schedules.register(tx, self.app.clock.now())
            self._registered = True
        closed = await self._closed()
        for name, scope in list(self._inflight.items()):
            if name in closed:
                log.warning("scheduled work switched off: stopping %s", name)
                scope.cancel()
        timing = await self.timing()
        self.window_s = timing.catch_up_window_s
        entries = []
        for row in await self.app.store.fetchall("SELECT * FROM schedules WHERE enabled = 1 ORDER BY name"):
            if row["name"] in self._inflight or row["name"] not in self.actions or row["name"] in closed:
                continue
            entry = await self._consider(row, ttl_s=timing.lease_ttl_s)
            if entry is not None:
                entries.append(entry)
        return entries

    async def _closed(self) -> set[str]:
        """The schedules whose gate is closed this tick; each distinct gate is asked once."""
        answers: dict[Gate, bool] = {}
        for gate in self.gates.values():
            if gate not in answers:
                answers[gate] = await gate()
        return {name for name, gate in self.gates.items() if not answers[gate]}

    async def _consider(self, row: dict[str, Any], *, ttl_s: float) -> TickEntry | None:
        name, now = row["name"], self.app.clock.now()
        window = timedelta(seconds=self.window_s)
        if cron.plan(row["cron"], row["timezone"], _dt(row["next_run"]), now, window) is None:
            return None
        lease_name = f"schedule:{name}"
        if not await lease.acquire(self.app.store, lease_name, self.holder, ttl_s=ttl_s, now=now):
            return None
        handed_off = False
        try:
            fresh = await self.app.store.fetchone("SELECT * FROM schedules WHERE name = ?", (name,))
            if fresh is None:
                return None
            plan = cron.plan(fresh["cron"], fresh["timezone"], _dt(fresh["next_run"]), now, window)
            if plan is None:
                return None
            if not await schedules.claim(self.app.store, name, plan.next_run, fresh["next_run"]):
                return None
            note = ""
            if plan.missed:
                note = (f"missed {plan.missed} run(s) from {_iso(plan.missed_since)} to {_iso(plan.missed_until)}: "
                        f"older than the {window} catch-up window, skipped")
                await self._record_missed(name, note)
            if not plan.run:
                return TickEntry(name, f"missed: {note}") if note else None
            action = self.actions[name]
            if self._tg is not None and name in self.long_running:
                handed_off = True
                self._tg.start_soon(self._background, name, action, lease_name, note, ttl_s)
                return TickEntry(name, "started")
            with anyio.CancelScope(shield=True), anyio.move_on_after(DRAIN_S):
                async with self._kept(lease_name, ttl_s):
                    status = await self._run(name, action, note)
            return TickEntry(name, status)
        finally:
            if not handed_off:
                with anyio.CancelScope(shield=True):
                    await lease.release(self.app.store, lease_name, self.holder)

    def _kept(self, lease_name: str, ttl_s: float) -> AbstractAsyncContextManager[lease.Keeper]:
        return lease.kept(self.app.store, lease_name, self.holder, ttl_s=ttl_s, clock=self.app.clock)

    async def _background(self, name: str, action: Action, lease_name: str, note: str, ttl_s: float) -> None:
        with anyio.CancelScope() as scope:
            self._inflight[name] = scope
            try:
                async with self._kept(lease_name, ttl_s):
                    await self._run(name, action, note)
            finally:
                self._inflight.pop(name, None)
                with anyio.CancelScope(shield=True):
                    await lease.release(self.app.store, lease_name, self.holder)

    @traced_action
    async def _run(self, name: str, action: Action, note: str) -> str:
        started = _iso(self.app.clock.now())
        try:
            status = await action(self.app, self)
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True):
                await self._finish(name, started, "interrupted: stopped before it finished")
            raise
        except Exception as exc:
            log.exception("schedule %s failed", name)
            status = f"error: {type(exc).__name__}: {exc}"
        if note:
            status = f"{status} ({note})"
        await self._finish(name, started, status)
        return status

    async def _finish(self, name: str, started: str | None, status: str) -> None:
        await schedules.finish(self.app.store, name, started, status)

    async def _record_missed(self, name: str, note: str) -> None:
        """Never silently lost: the row's status and an activity row say what was skipped."""
        log.warning("schedule %s %s", name, note)
        async with self.app.store.transaction() as tx:
            await schedules.set_status(tx, name, f"missed: {note}")
            await activity.write(
                tx, ts=self.app.clock.now().isoformat(timespec="seconds"), caller="system", run_id=None,
                skill=f"schedule:{name}", module_id=None, arguments={}, output_summary=None, status="error",
                outcome="neutral", error_kind="missed", error=note, duration_ms=0, attempts=0)

    async def run_forever(self, surface: Surface | None = None) -> None:
        """The service loop: tick, then wait ``tick_s``; cancelled with the server's task group."""
        async with anyio.create_task_group() as tg:
            self._tg = tg
            while True:
                try:
                    await self.tick()
                    if surface is not None:
                        await surface.notify_if_changed()  # pilot's tools appear/disappear with the agent
                except Exception:
                    log.exception("scheduler tick failed; next tick as usual")
                try:
                    tick_s = (await self.timing()).tick_s
                except Exception:
                    tick_s = Timing().tick_s  # the default (on a slots class Timing.tick_s is a descriptor)
                await anyio.sleep(tick_s)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
