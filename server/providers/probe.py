"""Is a local model server up? "Available when it answers": one cheap GET, short timeout, cached.

Ollama is asked ``GET /api/tags`` and an OpenAI-compatible server ``GET /models``; both
are free and list the installed models, which also gives a model to use when none is
configured. The answer is trusted for ``ttl_s`` (monotonic time: it is about this
process's network, not business time), so a down local server costs at most one
short probe per TTL, never one per call. A failed call drops the cached answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from server.providers.settings import ProviderSpec


@dataclass(frozen=True, slots=True)
class Probe:
    ok: bool
    models: tuple[str, ...] = ()
    error: str = ""


class ProbeCache:
    def __init__(self, *, timeout_s: float = 1.0, ttl_s: float = 30.0) -> None:
        self.timeout_s = timeout_s
        self.ttl_s = ttl_s
        self._answers: dict[str, tuple[float, Probe]] = {}

    async def check(self, spec: ProviderSpec) -> Probe:
        cached = self._answers.get(spec.base_url)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        probe = await _ask(spec, self.timeout_s)
        self._answers[spec.base_url] = (time.monotonic() + self.ttl_s, probe)
        return probe

    def forget(self, spec: ProviderSpec) -> None:
        self._answers.pop(spec.base_url, None)


async def _ask(spec: ProviderSpec, timeout_s: float) -> Probe:
    url = spec.base_url + ("/api/tags" if spec.api == "ollama" else "/models")
    headers = {"Authorization": f"Bearer {spec.api_key}"} if spec.api_key else {}
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.get(url, headers=headers)
    except httpx.TimeoutException:
        return Probe(False, error=f"no answer from {url} within {timeout_s:g} s")
    except httpx.HTTPError as exc:
        return Probe(False, error=f"cannot reach {url}: {type(exc).__name__}")
    if response.status_code >= 400:
        return Probe(False, error=f"{url} answered HTTP {response.status_code}")
    try:
        body = response.json()
        items = body["models"] if spec.api == "ollama" else body["data"]
        models = tuple(str(m.get("model") or m.get("name") or m.get("id")) for m in items)
    except (ValueError, KeyError, TypeError, AttributeError):
        # It answered, so it is up; it just does not list models the way we expected.
        models = ()
    return Probe(True, models)
