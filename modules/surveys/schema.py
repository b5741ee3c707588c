"""Surveys: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE surveys (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            questions TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE surveys_responses (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id),
            answers TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
    """),)
