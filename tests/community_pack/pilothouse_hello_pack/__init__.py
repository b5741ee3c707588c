"""A community module: greetings stored in its own table, a welcome email, and a daily summary mailed by
a cron automation. Installed with pip and found through its ``pilothouse.modules`` entry point."""

from pilothouse import Automation, Module
from pilothouse_hello_pack import greetings
from pilothouse_hello_pack.schema import MIGRATIONS
from pilothouse_hello_pack.settings import HelloSettings

module = Module(
    id="hello",
    name="Hello pack",
    description="Greets people, emails them a welcome, and mails a daily summary (a community module example).",
    category="communication",
    version="0.2.0",
    requires=("email",),
    skills=(greetings.greet, greetings.count, greetings.daily_summary),
    automations=(
        Automation(name="Daily summary", trigger="cron", config={"schedule": "0 8 * * *"},
                   skill="hello_daily_summary", arguments={"to": "owner@example.com"},
                   description="Mail the owner how many greetings were given so far."),
    ),
    migrations=MIGRATIONS,
    settings=HelloSettings,
)
