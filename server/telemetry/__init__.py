"""OpenTelemetry traces and metrics, off unless the standard ``OTEL_*`` variables ask for them.

    setup.py        from_env(): reads OTEL_*; nothing set -> nothing imported, every hook a no-op
    state.py        the facade the hooks read: ``state.active`` is None while off (one attribute test)
    instruments.py  the metric instruments and the observed gauges' latest values
    calls.py        the executor call's span and metrics (``@traced_call`` on Executor.call)
    agent.py        heartbeat cycle and reasoning run spans (run id as ``session.id``)
    models.py       one span per model request, GenAI conventions, failover attempts as events
    schedule.py     scheduler ticks, scheduled actions, lease events; refreshes the queue and approval gauges
    outbound.py     an HTTP transport: one span per outbound request and its ``traceparent`` header
    logs.py         a logging filter that stamps records with the trace and span ids

Hooks in the shared code are one decorator or one call each, into this package. Spans nest under
the MCP SDK's own server span (``tools/call NAME``) through the context, so a tools/call is one trace.
Arguments, outputs, prompts, completions and error messages are never recorded.
"""
