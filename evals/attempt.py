"""One attempt of one task: its own database, the run the operator would start, the states around it.

The run is what a person gets: ``pilothouse ask`` (the same prompt and limits, through the
reasoning loop and the executor as ``pilot``) or ``pilothouse heartbeat --once`` (one cycle),
with the providers configured the way a person configures them, in the environment: for a
scripted model the eval sets it to the one loopback server while the attempt runs, and puts
the person's variables back after.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from evals import state
from evals.start import Template, clock, prepare
from evals.state import State
from evals.task import Task
from evals.trace import Trace
from server.agent.ask import ask
from server.agent.heartbeat import run_cycle
from server.agent.loop import run_loop
from server.assembly import open_app

# What configures the provider chain (server/providers/settings.py).
PROVIDER_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "GEMINI_API_KEY", "GEMINI_BASE_URL", "OLLAMA_HOST",
                      "OLLAMA_MODEL", "LOCAL_AI_BASE_URL", "LOCAL_AI_MODEL", "LOCAL_AI_API_KEY",
                      "PILOTHOUSE_AI_TIMEOUT_S")


@dataclass(frozen=True)
class Route:
    """Where an attempt's model calls go: ``env`` replaces the provider variables while it runs (None:
    the environment's own providers), ``preferred`` is tried first."""

    env: dict[str, str] | None = None
    preferred: str | None = None
    timeout_s: float = 300.0  # one attempt's wall clock (`pilothouse ask --timeout`)

    @contextmanager
    def configured(self) -> Iterator[None]:
        if self.env is None:
            yield
            return
        names = [*PROVIDER_VARIABLES, *(n for n in os.environ if n.startswith("PILOTHOUSE_MODEL_"))]
        saved = {name: os.environ.pop(name) for name in names if name in os.environ}
        os.environ.update(self.env)
        try:
            yield
        finally:
            for name in self.env:
                os.environ.pop(name, None)
            os.environ.update(saved)


@dataclass
class Attempt:
    before: State
    after: State
    trace: Trace


async def attempt(template: Template, task: Task, route: Route, path: Path) -> Attempt:
    await prepare(template, task, path)
    before = state.read(path)
    started = time.perf_counter()
    cycle, error = await _drive(path, task, route)
    seconds = time.perf_counter() - started
    after = state.read(path)
    runs = after.added("runs", before)  # one at most: the attempt's
    trace = Trace.from_run_row("heartbeat" if task.heartbeat else "ask", runs[0]["state"] if runs else None,
                               cycle=cycle, error=error, seconds=seconds)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return Attempt(before, after, trace)


async def _drive(path: Path, task: Task, route: Route) -> tuple[dict[str, Any] | None, str | None]:
    """Run the task's request on the instance at ``path``: (the heartbeat's cycle record, the error raised)."""
    error, cycle = None, None
    async with open_app(path, clock=clock()) as app:
        try:
            with route.configured():
                if task.heartbeat:
                    loop = partial(run_loop, preferred_provider=route.preferred)
                    cycle = (await run_cycle(app, requested_by="cli", reasoner=loop)).as_dict()
                else:
                    await ask(app, task.ask or "", provider=route.preferred, max_iterations=task.max_iterations,
                              wall_clock_s=route.timeout_s)
        except Exception as exc:  # a failed run is a failed attempt, reported with its reason
            error = f"{type(exc).__name__}: {exc}"
    return cycle, error
