"""Command groups. Each module exposes ``register(subparsers)``; the order of ``registry()`` is the help order.

The modules are imported when the parser is built, not with this package: ``serve``, which a host starts
for every session, imports and registers its own module alone (server/cli/main.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def registry() -> list[Register]:
    from server.cli.commands import (
        activity,
        agent,
        approvals,
        ask,
        automations,
        backup,
        business,
        call,
        config,
        demo,
        email,
        eval,
        health,
        heartbeat,
        manifest,
        migrate_db,
        modules,
        notifications,
        providers,
        serve,
        skills,
        tokens,
        version,
        worker,
    )

    return [
        serve.register,
        worker.register,
        modules.register,
        skills.register,
        call.register,
        business.register,
        manifest.register,
        ask.register,
        eval.register,
        providers.register,
        agent.register,
        heartbeat.register,
        health.register,
        config.register,
        approvals.register,
        automations.register,
        notifications.register,
        email.register,
        activity.register,
        backup.register,
        demo.register,
        migrate_db.register,
        tokens.register,
        version.register,
    ]
