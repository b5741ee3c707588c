"""Automations are checked when the module is declared: a cron line, an event name or an argument that
could never run is a ``ContractError`` at import, naming what is wrong and what is accepted."""

from __future__ import annotations

import re
from typing import Annotated, Any

import pytest
from pydantic import Field

from skills import Automation, ContractError, Module, Record, SkillContext, skill


class Sent(Record):
    sent: int


@skill(title="Remind", instructions="Sends reminders.")
async def remind(ctx: SkillContext, days: Annotated[int, Field(ge=1, le=90)], note: str = "") -> Sent:
    """Send reminders for invoices this many days overdue.

    Args:
        days: Days overdue.
        note: A line added to each reminder.
    """
    return Sent(sent=0)


def _declare(**automation: Any) -> Module:
    given = {"name": "Remind", "trigger": "cron", "config": {"schedule": "0 9 * * 1"}, "skill": "dun_remind",
             "arguments": {"days": 30}, **automation}
    return Module(id="dun", name="Dunning", description="Reminders.", category="finance", version="1",
                  skills=(remind,), automations=(Automation(**given),))


def test_a_valid_automation_is_accepted() -> None:
    assert _declare().automations[0].arguments == {"days": 30}
    _declare(config={"schedule": "30 8 * * *", "timezone": "Europe/Stockholm"})
    _declare(trigger="event", config={"event": "invoice.overdue"}, arguments={"days": "{{event.payload.days}}"})


@pytest.mark.parametrize("line", ["every monday", "0 9 * *", "61 * * * *", "0 9 * * * *"])
def test_an_invalid_cron_line_fails_the_declaration(line: str) -> None:
    with pytest.raises(ContractError, match=re.escape(f"automation 'Remind': invalid cron expression '{line}': use 5")):
        _declare(config={"schedule": line})


def test_the_timezone_and_the_config_keys_are_checked() -> None:
    with pytest.raises(ContractError, match="unknown timezone 'Mars/Olympus'"):
        _declare(config={"schedule": "0 9 * * *", "timezone": "Mars/Olympus"})
    with pytest.raises(ContractError, match=re.escape("config 'schedul' is not a cron setting; a cron automation "
                                                      "takes 'schedule', 'timezone'")):
        _declare(config={"schedul": "0 9 * * *"})
    with pytest.raises(ContractError, match=re.escape("needs config={'schedule'")):
        _declare(config={})


@pytest.mark.parametrize("event", ["Invoice Overdue", "invoice_overdue", "invoice.", ""])
def test_an_event_name_must_be_dotted_lowercase_words(event: str) -> None:
    expected = "an event name in lowercase dotted words such as 'lead.created'"
    with pytest.raises(ContractError, match=re.escape(expected)):
        _declare(trigger="event", config={"event": event})


def test_arguments_are_checked_against_the_skill_schema() -> None:
    with pytest.raises(ContractError, match="dun_remind has no parameter 'dayz'; it takes days, note"):
        _declare(arguments={"dayz": 30})
    with pytest.raises(ContractError, match="dun_remind needs 'days'; give it in arguments="):
        _declare(arguments={"note": "hi"})
    with pytest.raises(ContractError, match=r"arguments for dun_remind are invalid: days: .*(got 'abc')"):
        _declare(arguments={"days": "abc"})
    with pytest.raises(ContractError, match=r"days: Input should be less than or equal to 90 \(got 365\)"):
        _declare(arguments={"days": 365})
    with pytest.raises(ContractError, match="placeholder, which only an event automation can fill"):
        _declare(arguments={"days": "{{event.payload.days}}"})


def test_the_skill_and_the_names_are_checked() -> None:
    with pytest.raises(ContractError, match="runs unknown skill 'dun_nag'; the module's skills: dun_remind"):
        _declare(skill="dun_nag")
    with pytest.raises(ContractError, match="max_depth and max_runs_per_hour must be at least 1"):
        _declare(max_runs_per_hour=0)
    twice = Automation(name="Remind", trigger="cron", config={"schedule": "0 9 * * *"}, skill="dun_remind",
                       arguments={"days": 1})
    with pytest.raises(ContractError, match="two automations share a name"):
        Module(id="dun", name="Dunning", description="Reminders.", category="finance", version="1",
               skills=(remind,), automations=(twice, twice))
