"""Shared by the health tests: a code change on the running instance, without touching its rows."""

from __future__ import annotations

import dataclasses

from server.app import App


def redeploy(app: App, name: str, instructions: str) -> None:
    """What a deploy does to a skill: the code (the registry MCP serves and seeding reads) changes,
    the stored row does not until the module is re-seeded."""
    changed = dataclasses.replace(app.registry.skills[name], instructions=instructions)
    module = app.registry.module_of(name)
    app.registry.skills[name] = changed
    app.registry.modules[module.id] = dataclasses.replace(
        module, skills=tuple(changed if s.name == name else s for s in module.skills))
