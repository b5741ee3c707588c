"""The shared outbound HTTP client, with its connection pool built on the first request.

``httpx.AsyncClient()`` builds its transport at once: importing httpcore and loading the
CA bundle into an SSL context, ~30-40 ms of every start, although most processes (a
``serve`` answering tools/list, a CLI command) never send a request. Here the transports
(the default one and any proxy from the environment) are the same objects httpx would
build, with the same arguments, only built when a request first needs one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from server.telemetry import outbound


class _Deferred(httpx.AsyncBaseTransport):
    def __init__(self, build: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._build = build
        self._real: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._real is None:
            self._real = self._build()
        return await outbound.send(self._real, request)  # traced while telemetry is on

    async def aclose(self) -> None:
        if self._real is not None:
            await self._real.aclose()


class LazyAsyncClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` in every respect but when its transports are built."""

    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        if kwargs.get("transport") is not None:  # a transport handed in is used as is
            return kwargs["transport"]  # type: ignore[no-any-return]
        return _Deferred(lambda: httpx.AsyncClient._init_transport(self, *args, **kwargs))

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        return _Deferred(lambda: httpx.AsyncClient._init_proxy_transport(self, *args, **kwargs))
