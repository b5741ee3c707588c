"""Command groups. Each module exposes ``register(subparsers)``; the order here is the help order."""

from server.cli.commands import (
    activity,
    agent,
    approvals,
    ask,
    automations,
    call,
    demo,
    health,
    heartbeat,
    manifest,
    migrate_db,
    modules,
    providers,
    serve,
    skills,
    version,
)

REGISTRY = [
    serve.register,
    modules.register,
    skills.register,
    call.register,
    manifest.register,
    ask.register,
    providers.register,
    agent.register,
    heartbeat.register,
    health.register,
    approvals.register,
    automations.register,
    activity.register,
    demo.register,
    migrate_db.register,
    version.register,
]
