"""The chain one process uses: what ``pilothouse providers set`` stored, with this process's environment on top.

    settings = await load_settings(app.store)      # every process: serve, worker, the CLI, a skill's ctx.ai

Reading it costs one small query, so a process picks up ``providers set`` from another terminal
on its next model call, without a restart.
"""

from __future__ import annotations

from collections.abc import Mapping

from server import settings
from server.providers import stored
from server.providers.secrets import secrets_file
from server.providers.settings import AiSettings
from skills.context import Database


async def load_settings(store: Database | None, env: Mapping[str, str] | None = None) -> AiSettings:
    env = settings.environment() if env is None else env
    if store is None:
        return AiSettings.from_env(env)
    return AiSettings.combine(await stored.load(store), env, secrets_file(store, env))
