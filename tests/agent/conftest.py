"""Fake model servers for the provider and loop tests: real HTTP on 127.0.0.1, one per provider."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import pytest

from server.app import App
from server.providers import AiSettings, ProviderChain
from server.testing.fake_model import FakeModelServer

SYSTEM = "You operate a small business's back office through skills."


@dataclass
class Fakes:
    openai: FakeModelServer
    gemini: FakeModelServer
    ollama: FakeModelServer

    def env(self, *names: str, timeout_s: float = 2.0) -> dict[str, str]:
        """Provider variables pointing at the fakes, for the providers named (all when none are)."""
        wanted = set(names or ("openai", "gemini", "ollama"))
        env = {"PILOTHOUSE_AI_TIMEOUT_S": str(timeout_s)}
        if "openai" in wanted:
            env |= {"OPENAI_API_KEY": "sk-test-openai", "OPENAI_BASE_URL": self.openai.base_url}
        if "gemini" in wanted:
            env |= {"GEMINI_API_KEY": "test-gemini", "GEMINI_BASE_URL": self.gemini.base_url + "/"}
        if "ollama" in wanted:
            env |= {"OLLAMA_HOST": self.ollama.url}
        return env


@pytest.fixture
async def fakes() -> AsyncIterator[Fakes]:
    servers = [FakeModelServer("openai", models=("gpt-4.1-mini", "gpt-4.1")),
               FakeModelServer("gemini", models=("gemini-2.5-flash",)),
               FakeModelServer("ollama", models=("llama3.2", "qwen3"))]
    for server in servers:
        await anyio.to_thread.run_sync(server.start)
    try:
        yield Fakes(*servers)
    finally:
        for server in servers:  # in parallel: each takes uvicorn's ~0.2 s to stop
            server.request_stop()
        for server in servers:
            await anyio.to_thread.run_sync(server.stop)


@pytest.fixture
async def chain(app: App, fakes: Fakes) -> AsyncIterator[ProviderChain]:
    """The loop's provider chain in a test: the scripted OpenAI alone."""
    async with ProviderChain.for_app(app, AiSettings.from_env(fakes.env("openai"))) as chain:
        yield chain
