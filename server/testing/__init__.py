"""Test helpers that ship with Pilothouse so module authors can use them in their own tests.

Testing your module
-------------------
Install Pilothouse with its test extra and your pack in the same environment
(``pip install "pilothouse[test]"`` and ``pip install -e .``), then enable the pytest plugin
in your suite's top-level ``conftest.py``::

    pytest_plugins = ["server.testing.pytest_plugin"]

Each test then gets a real instance (real migrations, the built-in modules and your module,
found through its ``pilothouse.modules`` entry point) on a fresh database, and talks to it
through the real MCP client, as a model's client would::

    import pytest
    from server.testing import FakeClock, McpHarness

    pytestmark = pytest.mark.anyio

    async def test_greets(mcp: McpHarness, clock: FakeClock) -> None:
        greeting = await mcp.call("hello_greet", name="Ada")      # raises ToolError on isError
        assert greeting["text"] == "Hello, Ada!"
        assert "name" in await mcp.error("hello_greet")           # must fail; returns the message
        clock.advance(days=1)                                     # time the instance sees

Fixtures (``server.testing.pytest_plugin``): ``clock``, ``app``, ``mcp``, ``mcp_any_era``
(every test run in both protocol eras), ``mcp_person`` (a client that shows confirmation forms to
``person``, who says yes), ``business`` (the business profile filled in, so invoices and other
documents may go out) and ``anyio_backend``.

Helpers, importable from ``server.testing``:

- ``FakeClock``, ``START``: the settable clock the ``app`` fixture runs on, and where it starts.
- ``McpHarness``, ``ToolError``: ``call`` / ``error`` / ``tool_names`` over the SDK client.
- ``smtp_sink``, ``SmtpSink``: a real SMTP server on 127.0.0.1 (needs ``aiosmtpd``, in the
  ``test`` extra); ``http_receiver``, ``HttpReceiver``, ``Received``: a real HTTP server that
  records requests and answers scripted statuses; ``free_port``.
- ``FakeModelServer``, ``Reply``, ``Call``, ``Fault``, ``Delay``, ``Malformed``,
  ``RecordedRequest``: a scripted OpenAI/Ollama-compatible model server (see ``fake_model``).
- ``bulk_module``: a generated module of many small skills, for a big catalog.
- ``Person``, ``connect``: the person behind a client's confirmation form (answers yes, no or
  cancel; keeps every question), and a client in either protocol era with or without one.
- ``ObedientModel``: a scripted model that obeys every instruction it reads in a tool result, for
  hostile-content tests of the agent (see ``adversary``).

Importing this package is cheap: each name loads its submodule on first use, so a test that
only needs the clock does not pay for the MCP SDK or a web server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.testing.adversary import ObedientModel
    from server.testing.bulk import bulk_module
    from server.testing.clock import START, FakeClock
    from server.testing.fake_model import Call, Delay, FakeModelServer, Fault, Malformed, RecordedRequest, Reply
    from server.testing.harness import McpHarness, ToolError
    from server.testing.person import Person, connect
    from server.testing.receivers import HttpReceiver, Received, SmtpSink, free_port, http_receiver, smtp_sink

# Public name -> the submodule that defines it.
_WHERE = {
    "START": "clock", "FakeClock": "clock",
    "McpHarness": "harness", "ToolError": "harness",
    "HttpReceiver": "receivers", "Received": "receivers", "SmtpSink": "receivers",
    "free_port": "receivers", "http_receiver": "receivers", "smtp_sink": "receivers",
    "Call": "fake_model", "Delay": "fake_model", "FakeModelServer": "fake_model", "Fault": "fake_model",
    "Malformed": "fake_model", "RecordedRequest": "fake_model", "Reply": "fake_model",
    "bulk_module": "bulk", "Person": "person", "connect": "person", "ObedientModel": "adversary",
}

__all__ = [
    "START",
    "Call",
    "Delay",
    "FakeClock",
    "FakeModelServer",
    "Fault",
    "HttpReceiver",
    "Malformed",
    "McpHarness",
    "ObedientModel",
    "Person",
    "Received",
    "RecordedRequest",
    "Reply",
    "SmtpSink",
    "ToolError",
    "bulk_module",
    "connect",
    "free_port",
    "http_receiver",
    "smtp_sink",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
