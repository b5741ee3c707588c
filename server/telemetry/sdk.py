"""Build the SDK's tracer and meter providers (imported only when telemetry is on).

Traces: a batch processor per exporter (OTLP over HTTP/protobuf, or the console), the sampler
the SDK reads from ``OTEL_TRACES_SAMPLER``; the provider becomes the global one, so the MCP SDK's
server spans and ours are one tree. Metrics: a periodic reader per exporter
(``OTEL_METRIC_EXPORT_INTERVAL``, 60 s by default) on a provider of our own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from server.telemetry.instruments import Instruments
from server.telemetry.state import Active

SCOPE = "pilothouse"


def build(env: Mapping[str, str], *, service_version: str) -> Active:
    resource = Resource.create(resource_attributes(env, service_version))
    tracer_provider = TracerProvider(resource=resource)
    for exporter in _span_exporters(env):
        tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(tracer_provider)
    readers: list[MetricReader] = [PeriodicExportingMetricReader(e) for e in _metric_exporters(env)]
    meter_provider = MeterProvider(resource=resource, metric_readers=readers)

    def shutdown() -> None:
        tracer_provider.shutdown()
        meter_provider.shutdown()

    def flush() -> bool:
        return bool(tracer_provider.force_flush()) and bool(meter_provider.force_flush())

    return Active(tracer=tracer_provider.get_tracer(SCOPE, service_version),
                  instruments=Instruments(meter_provider.get_meter(SCOPE, service_version)),
                  shutdown=shutdown, flush=flush)


def _span_exporters(env: Mapping[str, str]) -> list[SpanExporter]:
    # The console is stderr: stdout is the MCP protocol over stdio, and the CLI's answers.
    kinds: dict[str, Callable[[], SpanExporter]] = {
        "otlp": OTLPSpanExporter, "console": lambda: ConsoleSpanExporter(out=sys.stderr)}
    return [kinds[n]() for n in exporter_names(env, "OTEL_TRACES_EXPORTER") if n in kinds]


def _metric_exporters(env: Mapping[str, str]) -> list[MetricExporter]:
    kinds: dict[str, Callable[[], MetricExporter]] = {
        "otlp": OTLPMetricExporter, "console": lambda: ConsoleMetricExporter(out=sys.stderr)}
    return [kinds[n]() for n in exporter_names(env, "OTEL_METRICS_EXPORTER") if n in kinds]


def exporter_names(env: Mapping[str, str], variable: str) -> list[str]:
    """The exporters a signal goes to: ``otlp`` by default, ``none`` for nothing."""
    names = [n.strip().lower() for n in env.get(variable, "otlp").split(",") if n.strip()]
    return [n for n in names if n != "none"]


def resource_attributes(env: Mapping[str, str], service_version: str) -> dict[str, Any]:
    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are read by the SDK and win over these defaults.
    attributes: dict[str, Any] = {"service.version": service_version}
    if not env.get("OTEL_SERVICE_NAME") and "service.name=" not in env.get("OTEL_RESOURCE_ATTRIBUTES", ""):
        attributes["service.name"] = "pilothouse"
    return attributes
