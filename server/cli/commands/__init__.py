"""Command groups. Each module exposes ``register(subparsers)``; the order here is the help order."""

from server.cli.commands import (
    activity,
    agent,
    approvals,
    ask,
    call,
    demo,
    health,
    heartbeat,
    manifest,
    modules,
    notifications,
    providers,
    serve,
    skills,
    version,
    worker,
)

REGISTRY = [
    serve.register,
    worker.register,
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
    notifications.register,
    activity.register,
    demo.register,
    version.register,
]
