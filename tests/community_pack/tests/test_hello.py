"""The hello pack's own tests: its skills called through the real MCP client, its automation run by the
clock, and its mail received by a real SMTP sink, all on an instance of only this pack."""

from datetime import timedelta

import pytest

from pilothouse.testing import Instance, ModuleError


async def test_greetings_are_stored_and_counted(instance: Instance) -> None:
    assert await instance.call("hello_count") == {"count": 0}  # each test starts on a fresh database
    ada = await instance.call("hello_greet", name="Ada")
    grace = await instance.call("hello_greet", name="Grace")
    assert (ada["text"], grace["text"]) == ("Hello, Ada!", "Hello, Grace!")
    assert ada["id"] != grace["id"]
    assert await instance.call("hello_count") == {"count": 2}


async def test_a_greeting_needs_a_name(instance: Instance) -> None:
    assert "name" in await instance.error("hello_greet")
    assert "email" in await instance.error("hello_greet", name="Ada", email="not an address")
    assert await instance.call("hello_count") == {"count": 0}  # the failed calls stored nothing


async def test_a_welcome_email_is_queued_then_delivered(instance: Instance) -> None:
    await instance.call("hello_greet", name="Ada", email="ada@example.com")
    assert [(m.to, m.status) for m in await instance.outbox()] == [("ada@example.com", "pending")]

    await instance.run_due(at=instance.clock.now() + timedelta(minutes=1))  # the email module's delivery
    assert [(d.to, d.subject) for d in instance.deliveries()] == [("ada@example.com", "Hello, Ada!")]
    assert instance.deliveries()[0].body.endswith("Welcome aboard.")  # the sign_off setting's default
    assert [m.status for m in await instance.outbox()] == ["sent"]


async def test_the_sign_off_is_a_checked_setting(instance: Instance) -> None:
    await instance.configure("hello", sign_off="See you soon.")
    await instance.call("hello_greet", name="Ada", email="ada@example.com")
    assert (await instance.outbox())[0].body.endswith("See you soon.")
    with pytest.raises(ModuleError, match="setting sign_off: String should have at least 1 character"):
        await instance.configure("hello", sign_off="")
    with pytest.raises(ModuleError, match="no setting 'signoff' \\(did you mean sign_off\\?\\)"):
        await instance.configure("hello", signoff="Bye")


async def test_the_daily_summary_is_mailed_at_eight(instance: Instance) -> None:
    await instance.call("hello_greet", name="Ada")
    tomorrow_eight = instance.clock.now().replace(hour=8, minute=0) + timedelta(days=1)

    early = await instance.run_due(at=tomorrow_eight - timedelta(minutes=1))
    assert not early.ran("Daily summary")
    due = await instance.run_due(at=tomorrow_eight)
    assert due.ran("Daily summary"), due
    await instance.run_due(at=tomorrow_eight + timedelta(minutes=1))  # later passes change nothing
    assert [(d.to, d.subject) for d in instance.deliveries()] == [("owner@example.com", "1 greeting(s) so far")]
