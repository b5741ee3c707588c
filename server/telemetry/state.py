"""The facade every hook reads: ``active`` is None while telemetry is off.

The check costs one attribute read, so the hooks on hot paths (the executor, the model chain)
cost nothing measurable when no ``OTEL_*`` variable is set (benchmarks/executor.py prints it).
Nothing here imports OpenTelemetry: setup.py fills ``active`` in after importing the SDK.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

    from server.telemetry.instruments import Instruments


@dataclass(slots=True)
class Active:
    """What a configured process traces and measures with."""

    tracer: Tracer
    instruments: Instruments
    shutdown: Any  # () -> None: flush and stop the exporters
    flush: Any  # () -> bool: export what is pending now (blocks; call off the event loop)


active: Active | None = None


def set_active(value: Active | None) -> None:
    global active
    active = value


P = ParamSpec("P")
R = TypeVar("R")
Traced = Callable[[Active, Callable[..., Awaitable[R]], tuple[Any, ...], dict[str, Any]], Awaitable[R]]


def when_on(traced: Traced[R]) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Coroutine[Any, Any, R]]]:
    """A decorator that calls ``fn`` straight through while off, else ``traced(active, fn, args, kwargs)``."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
        @functools.wraps(fn)
        async def hooked(*args: P.args, **kwargs: P.kwargs) -> R:
            if active is None:  # off: the only cost of a hook
                return await fn(*args, **kwargs)
            return await traced(active, fn, args, kwargs)

        return hooked

    return decorate
