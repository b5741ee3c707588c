"""Timesheets: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
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
    """),)
