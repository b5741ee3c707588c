"""A real OTLP/HTTP receiver on 127.0.0.1 and telemetry pointed at it through the standard variables.

The receiver is ``server.testing.http_receiver``; what the SDK's exporter POSTs to ``/v1/traces``
and ``/v1/metrics`` is decoded with the OTLP protobuf definitions (opentelemetry-proto).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest
from opentelemetry import trace
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.util._once import Once

from server.telemetry import setup, state
from server.testing import http_receiver
from server.testing.receivers import HttpReceiver


@dataclass(frozen=True)
class Span:
    name: str
    trace_id: str
    span_id: str
    parent: str  # the parent span's id, "" for a root
    kind: int
    attributes: dict[str, Any]
    events: list[tuple[str, dict[str, Any]]]
    links: list[str]  # linked span ids
    error: bool


@dataclass
class Collector:
    receiver: HttpReceiver
    active: state.Active
    service: str = field(default="")

    async def spans(self) -> list[Span]:
        """Every span exported so far (flushed first, off the event loop the receiver runs on)."""
        assert await anyio.to_thread.run_sync(self.active.flush)
        found = []
        for request in self._bodies("/v1/traces", ExportTraceServiceRequest):
            for resource in request.resource_spans:
                self.service = str(_attributes(resource.resource.attributes)["service.name"])
                for scope in resource.scope_spans:
                    found += [Span(s.name, s.trace_id.hex(), s.span_id.hex(), s.parent_span_id.hex(), s.kind,
                                   _attributes(s.attributes), [(e.name, _attributes(e.attributes)) for e in s.events],
                                   [link.span_id.hex() for link in s.links], s.status.code == 2)
                              for s in scope.spans]
        return found

    async def metrics(self) -> dict[str, list[tuple[dict[str, Any], float]]]:
        """Each metric's data points, (attributes, value) (a histogram's value: its count), as of now:
        the last export (cumulative)."""
        assert await anyio.to_thread.run_sync(self.active.flush)
        points: dict[str, list[tuple[dict[str, Any], float]]] = {}
        for request in self._bodies("/v1/metrics", ExportMetricsServiceRequest)[-1:]:
            for resource in request.resource_metrics:
                for scope in resource.scope_metrics:
                    for metric in scope.metrics:
                        data = getattr(metric, metric.WhichOneof("data"))
                        for p in data.data_points:
                            value = p.count if hasattr(p, "bucket_counts") else (p.as_double or p.as_int)
                            points.setdefault(metric.name, []).append((_attributes(p.attributes), value))
        return points

    def _bodies(self, path: str, kind: Any) -> list[Any]:
        decoded = []
        for received in self.receiver.requests:
            if received.path == path:
                message = kind()
                message.ParseFromString(received.body)
                decoded.append(message)
        return decoded


def _value(value: AnyValue) -> Any:
    which = value.WhichOneof("value")
    if which == "array_value":
        return [_value(v) for v in value.array_value.values]
    return getattr(value, which) if which else None


def _attributes(pairs: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in pairs}


def _reset_global_provider() -> None:
    # The API lets a process set its tracer provider once; each test here sets its own. (OpenTelemetry's
    # own test utilities reset the same two globals.)
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace._TRACER_PROVIDER = None


@pytest.fixture
async def otlp(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Collector]:
    async with http_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        monkeypatch.setenv("OTEL_SERVICE_NAME", "pilothouse-test")
        monkeypatch.setenv("OTEL_METRIC_EXPORT_INTERVAL", "3600000")  # metrics go out when flushed
        _reset_global_provider()
        active = setup.from_env()
        assert active is not None
        try:
            yield Collector(receiver, active)
        finally:
            await anyio.to_thread.run_sync(setup.shutdown)
            _reset_global_provider()


def children(spans: list[Span], parent: Span) -> list[Span]:
    return [s for s in spans if s.parent == parent.span_id]


def one(spans: list[Span], name: str) -> Span:
    [found] = [s for s in spans if s.name == name]
    return found
