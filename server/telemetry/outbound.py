"""Outbound HTTP (webhook deliveries, notification webhooks, whatever a skill sends through
``ctx.http``): one CLIENT span per request, and its W3C ``traceparent`` header.

The receiver can join its own trace to the call or the heartbeat that sent it. The span records
the method, the receiver's host and port, the status code, and the message's ``webhook-id``
(which the delivery rows keep, with the attempt count) — never the path or the query, which for
webhook URLs often hold the secret (``/services/T0/B0/XXXX``), nor any header or body.
"""

from __future__ import annotations

import httpx

from server.telemetry import state

MESSAGE_ID = "webhook-id"


async def send(transport: httpx.AsyncBaseTransport, request: httpx.Request) -> httpx.Response:
    """``transport.handle_async_request(request)``, traced while telemetry is on."""
    active = state.active
    if active is None:
        return await transport.handle_async_request(request)
    from opentelemetry import propagate
    from opentelemetry.trace import SpanKind, StatusCode

    url = request.url
    with active.tracer.start_as_current_span(request.method, kind=SpanKind.CLIENT) as span:
        span.set_attributes({"http.request.method": request.method, "server.address": url.host,
                             "server.port": url.port or (443 if url.scheme == "https" else 80),
                             "url.scheme": url.scheme})
        if MESSAGE_ID in request.headers:
            span.set_attribute("pilothouse.delivery.message_id", request.headers[MESSAGE_ID])
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        request.headers.update(carrier)
        try:
            response = await transport.handle_async_request(request)
        except httpx.TransportError as exc:
            span.set_attribute("error.type", type(exc).__name__)
            active.instruments.deliveries.add(1, {"server.address": url.host, "error.type": type(exc).__name__})
            raise
        code = response.status_code
        span.set_attribute("http.response.status_code", code)
        if code >= 400:
            span.set_attribute("error.type", str(code))
            span.set_status(StatusCode.ERROR, str(code))
        active.instruments.deliveries.add(1, {"server.address": url.host,
                                              "http.response.status_class": f"{code // 100}xx"})
    return response
