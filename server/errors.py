"""Errors of the runtime (``server/``), separate from the handler contract in ``skills.errors``.

    PilothouseError
    ├── ModuleError        enable/disable refused (unknown id, missing requirement, dependents)
    ├── LoopDetected       the same action 3 times in a row: ends the run
    ├── ConfigError        settings that cannot work (bad tier, bind without token)
    └── StorageError       the database cannot be opened or written at start-up (full disk, read-only...)

    MigrationError         a migration step failed (raised by either store, server/store.py and
                           server/postgres/store.py; here so neither imports the other)
"""

from __future__ import annotations


class PilothouseError(Exception):
    pass


class ModuleError(PilothouseError):
    pass


class ConfigError(PilothouseError):
    pass


class StorageError(PilothouseError):
    pass


class MigrationError(RuntimeError):
    pass


class LoopDetected(PilothouseError):
    def __init__(self, skill: str, count: int) -> None:
        super().__init__(
            f"loop_detected: {skill} was called {count} times in a row with the same arguments; "
            "the run is ended. Try a different approach or report what blocks you."
        )
        self.skill = skill
        self.count = count
