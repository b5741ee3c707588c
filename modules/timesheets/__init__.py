"""Timesheets: time logged against projects, weekly sheets that lock on submit, utilization."""

from modules.timesheets import demo, entries
from modules.timesheets.schema import MIGRATIONS
from skills import Module

module = Module(
    id="timesheets",
    name="Timesheets",
    description="Time entries against projects without overlaps, weekly submission and utilization.",
    category="operations",
    version="1.0.0",
    requires=("projects",),
    skills=(entries.log, entries.week, entries.submit_week, entries.utilization),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
