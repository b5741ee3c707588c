"""The metrics an operator alerts on, created once from the configured meter.

Counters and histograms are recorded by the hooks as things happen. The queue and approval
gauges are observed: the scheduler's tick (schedule.py) reads the rows and keeps the latest
values here, and the exporter's thread reads those values, never the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentelemetry.metrics import CallbackOptions, Meter, Observation


@dataclass(slots=True)
class Gauges:
    """The latest observed values (None: not read yet, so nothing is reported)."""

    outbox_pending: int | None = None
    outbox_oldest_age_s: float | None = None
    approvals_waiting: int | None = None


@dataclass
class Instruments:
    meter: Meter
    gauges: Gauges = field(default_factory=Gauges)

    def __post_init__(self) -> None:
        m = self.meter
        self.calls = m.create_counter("pilothouse.calls", "{call}", "Skill calls by skill, caller and outcome")
        self.call_duration = m.create_histogram(
            "pilothouse.call.duration", "s", "Skill call latency, through the whole executor")
        self.breaker_opens = m.create_counter("pilothouse.breaker.opens", "{open}", "Circuit breakers opened")
        self.auto_pauses = m.create_counter("pilothouse.skill.auto_pauses", "{pause}", "Skills paused by escalation")
        self.cycles = m.create_counter("pilothouse.heartbeat.cycles", "{cycle}", "Heartbeat cycles by status")
        self.tokens = m.create_counter("pilothouse.ai.tokens", "{token}",
                                       "Model tokens by provider, tier and type (input, output)")
        self.cost = m.create_counter("pilothouse.ai.cost", "USD", "Model cost by provider and tier (known prices)")
        self.deliveries = m.create_counter("pilothouse.http.deliveries", "{request}",
                                           "Outbound HTTP requests (webhooks) by status class")
        m.create_observable_gauge("pilothouse.outbox.pending", [self._pending], "{message}",
                                  "Outbox messages waiting to be sent")
        m.create_observable_gauge("pilothouse.outbox.oldest_pending_age", [self._oldest], "s",
                                  "Age of the oldest message waiting in the outbox")
        m.create_observable_gauge("pilothouse.approvals.waiting", [self._approvals], "{request}",
                                  "Approval requests waiting for a person")

    def _observe(self, value: float | None) -> Iterable[Observation]:
        from opentelemetry.metrics import Observation

        return [] if value is None else [Observation(value)]

    def _pending(self, _: CallbackOptions) -> Iterable[Observation]:
        return self._observe(self.gauges.outbox_pending)

    def _oldest(self, _: CallbackOptions) -> Iterable[Observation]:
        return self._observe(self.gauges.outbox_oldest_age_s)

    def _approvals(self, _: CallbackOptions) -> Iterable[Observation]:
        return self._observe(self.gauges.approvals_waiting)
