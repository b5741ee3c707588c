"""Stamp log records with the current trace and span ids while telemetry is on.

A filter on the root logger's handlers sets ``record.trace_id`` and ``record.span_id`` (hex, empty
outside a span) and appends `` trace_id=... span_id=...`` to their format, so a log line found in
a terminal or a log store leads to its trace, and a trace to its log lines.
"""

from __future__ import annotations

import logging

from opentelemetry import trace

SUFFIX = "%(trace_ids)s"


class TraceIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        trace_id = f"{context.trace_id:032x}" if context.is_valid else ""
        span_id = f"{context.span_id:016x}" if context.is_valid else ""
        record.__dict__.update(trace_id=trace_id, span_id=span_id,
                               trace_ids=f" trace_id={trace_id} span_id={span_id}" if trace_id else "")
        return True


_FILTER = TraceIds()
_formats: dict[logging.Handler, logging.Formatter | None] = {}


def install() -> None:
    for handler in logging.getLogger().handlers:
        if handler in _formats:
            continue
        _formats[handler] = handler.formatter
        handler.addFilter(_FILTER)
        fmt = handler.formatter._fmt if handler.formatter is not None else None
        handler.setFormatter(logging.Formatter((fmt or logging.BASIC_FORMAT) + SUFFIX))


def uninstall() -> None:
    for handler, formatter in _formats.items():
        handler.removeFilter(_FILTER)
        handler.setFormatter(formatter)
    _formats.clear()
