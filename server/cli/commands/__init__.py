"""Command groups. Each module exposes ``register(subparsers)``; the order here is the help order."""

from server.cli.commands import call, demo, modules, serve, skills, version

REGISTRY = [
    serve.register,
    modules.register,
    skills.register,
    call.register,
    demo.register,
    version.register,
]
