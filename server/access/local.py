"""Who calls without a token: the account this process runs as (stdio, the CLI, an open loopback port).

A leaf, so the trust controls and the activity writers can name a local caller without importing scopes.
"""

from __future__ import annotations

import getpass
from functools import cache


@cache
def local_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container's bare uid)
        return "local"
