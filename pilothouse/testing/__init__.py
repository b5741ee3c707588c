"""Test a pack in seconds: an instance of only your modules, its clock, its automations and its mail.

In your suite's top-level ``conftest.py``::

    pytest_plugins = ["pilothouse.testing.plugin"]

and each test gets ``instance``: a fresh instance of the packs installed in the environment (your
``pip install -e .``), the built-in modules they require, and the email module with a real SMTP sink
on 127.0.0.1. Async tests need no marker::

    async def test_the_daily_count_is_mailed(instance: Instance) -> None:
        await instance.call("hello_greet", name="Ada")                 # through the real MCP client
        due = await instance.run_due(at=instance.clock.now() + timedelta(days=1))
        assert due.ran("Daily count")
        assert [m.subject for m in instance.deliveries()] == ["1 greeting yesterday"]

``Instance``: ``call`` / ``error`` (a skill that must succeed / fail, over MCP), ``run_due(at=...)``
(move the clock and run the due automations and schedules), ``outbox()`` (what is queued to leave),
``deliveries()`` (what the mail sink received), ``configure`` (module settings; a refused change raises
``ModuleError``), ``clock``, ``app``.
Outside pytest, ``open_instance(module, ...)`` gives the same ``Instance``.
"""

from typing import TYPE_CHECKING, Any

from server.errors import ModuleError
from server.testing.clock import START, FakeClock
from server.testing.instance import Delivery, Due, Fired, Instance, Message, open_instance

if TYPE_CHECKING:
    from server.testing.receivers import HttpReceiver, Received, http_receiver

__all__ = [
    "START",
    "Delivery",
    "Due",
    "FakeClock",
    "Fired",
    "HttpReceiver",
    "Instance",
    "Message",
    "ModuleError",
    "Received",
    "http_receiver",
    "open_instance",
]


def __getattr__(name: str) -> Any:
    """The HTTP receiver loads a web server: imported when a test first asks for it."""
    if name in ("HttpReceiver", "Received", "http_receiver"):
        from server.testing import receivers

        return getattr(receivers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
