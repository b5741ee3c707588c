"""Modules the runtime itself provides: skills that need the server (health, self-heal).

They follow the same contract as business modules, so they go through the same
executor and resilience layers; their handlers reach the App via ``ctx.services["app"]``.
Business modules live in ``modules/`` and never import the server.
"""

from __future__ import annotations

from server.health.skills import module as health
from skills import Module

SYSTEM_MODULES: tuple[Module, ...] = (health,)
