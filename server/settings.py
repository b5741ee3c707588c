"""The process's configuration: the one place that reads the environment.

Everything configured by a variable (``PILOTHOUSE_*``, and the settings a module declares with
``setting(env=...)``) is read here, so ``pilothouse config`` can list every setting with its
value and where it came from, secrets masked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def environment(names: Iterable[str]) -> dict[str, str]:
    """The variables of ``names`` that are set, by name."""
    return {name: os.environ[name] for name in names if name in os.environ}
