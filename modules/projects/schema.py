"""Projects: the tables, one migration per schema version."""

from skills import Migration

MIGRATIONS: tuple[Migration, ...] = (Migration(1, """
        CREATE TABLE projects (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            client TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE projects_milestones (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            title TEXT NOT NULL,
            due TEXT NOT NULL
        );
        CREATE TABLE projects_tasks (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            title TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('todo', 'doing', 'done')),
            assignee TEXT,
            due TEXT,
            estimate_hours REAL NOT NULL,
            milestone_id INTEGER REFERENCES projects_milestones(id)
        );
    """),)
