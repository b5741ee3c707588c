"""The agent's settings: the pilot module's settings model (modules/pilot/settings.py), as in force.

Read fresh for every cycle (a person may change them meanwhile: ``pilothouse modules configure
pilot``); ``modules configure`` checked them when they were set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modules.pilot.settings import PilotSettings as AgentSettings

if TYPE_CHECKING:
    from server.app import App

__all__ = ["AgentSettings", "load"]


async def load(app: App) -> AgentSettings:
    return AgentSettings.model_validate(await app.modules.settings("pilot"))
