"""server.testing, the harness module authors import: every exported name resolves, and the import is cheap."""

from __future__ import annotations

import subprocess
import sys

import server.testing


def test_every_exported_name_resolves_from_the_submodule_that_defines_it() -> None:
    assert set(server.testing._WHERE) == set(server.testing.__all__)
    for name in server.testing.__all__:
        value = getattr(server.testing, name)
        assert value is getattr(sys.modules[f"server.testing.{server.testing._WHERE[name]}"], name)


def test_importing_the_package_loads_no_sdk_or_web_server() -> None:
    # A fresh interpreter: this one has long since imported everything.
    probe = ("import sys, server.testing; "
             "print(sorted(m for m in ('mcp', 'uvicorn', 'starlette', 'aiosmtpd') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "[]"
