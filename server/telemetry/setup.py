"""Turn telemetry on from the standard OpenTelemetry environment variables, or leave it off.

On when an OTLP endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT``, or the per-signal
``..._TRACES_ENDPOINT`` / ``..._METRICS_ENDPOINT``) or an exporter is named
(``OTEL_TRACES_EXPORTER`` / ``OTEL_METRICS_EXPORTER``: ``otlp`` or ``console``), unless
``OTEL_SDK_DISABLED=true``. Off: the SDK is never imported and every hook is one attribute test.
The rest is the SDK's own reading of the variables (headers, timeout, compression, sampler
``OTEL_TRACES_SAMPLER`` / ``_ARG``, ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_METRIC_EXPORT_INTERVAL``).
Only OTLP over HTTP/protobuf is shipped (the ``otel`` extra); gRPC is refused with a hint.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from server import settings
from server.telemetry import state
from server.version import VERSION

log = logging.getLogger(__name__)

ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
EXPORTERS = ("OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER")
INSTALL = "install the extra: pip install 'pilothouse[otel]'"


def wanted(env: Mapping[str, str]) -> bool:
    """Whether the environment asks for telemetry (without importing anything)."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    named = any(env.get(v, "").strip().lower() not in ("", "none") for v in EXPORTERS)
    return named or any(env.get(v, "").strip() for v in ENDPOINTS)


def from_env(env: Mapping[str, str] | None = None) -> state.Active | None:
    """Configure the process from ``env`` (default: the process's variables, read through
    server/settings.py; the SDK reads its own OTEL_* there too); None when nothing asks for it.

    Idempotent: a second call returns the telemetry already set up."""
    env = settings.environment() if env is None else env
    if state.active is not None or not wanted(env):
        return state.active
    protocol = env.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    if protocol != "http/protobuf":
        log.warning("telemetry off: OTEL_EXPORTER_OTLP_PROTOCOL=%s is not supported; use http/protobuf "
                    "(collectors listen for it on port 4318)", protocol)
        return None
    try:
        from server.telemetry.sdk import build
    except ImportError as exc:
        log.warning("telemetry off: the OpenTelemetry SDK is not installed (%s); %s", exc, INSTALL)
        return None
    active = build(env, service_version=VERSION)
    state.set_active(active)
    from server.telemetry.logs import install as install_logs

    install_logs()
    return active


def shutdown() -> None:
    """Export what is pending and turn every hook back into a no-op (tests, and the end of a process)."""
    active = state.active
    state.set_active(None)
    if active is not None:
        from server.telemetry.logs import uninstall as uninstall_logs

        uninstall_logs()
        active.shutdown()
