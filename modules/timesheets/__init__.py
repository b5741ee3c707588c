"""Timesheets: time logged against projects, weekly sheets that lock on submit, utilization."""

from modules.timesheets import demo, entries
from skills import Migration, Module

module = Module(
    id="timesheets",
    name="Timesheets",
    description="Time entries against projects without overlaps, weekly submission and utilization.",
    category="operations",
    version="1.0.0",
    requires=("projects",),
    skills=(entries.log, entries.week, entries.submit_week, entries.utilization),
    migrations=(Migration(1, """
        CREATE TABLE timesheets_entries (
            id INTEGER PRIMARY KEY,
            person TEXT NOT NULL,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            started_at TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            hours REAL NOT NULL,
            billable INTEGER NOT NULL DEFAULT 1,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX timesheets_entries_person ON timesheets_entries(person, started_at);
        CREATE TABLE timesheets_submissions (
            person TEXT NOT NULL,
            week_start TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            PRIMARY KEY (person, week_start)
        );
    """),),
    seed_demo=demo.seed,
)
