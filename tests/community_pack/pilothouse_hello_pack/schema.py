"""The hello pack's table: versioned steps, from 1, never edited once released."""

from pilothouse import Migration

MIGRATIONS = (
    Migration(1, "CREATE TABLE hello_greetings (id INTEGER PRIMARY KEY, name TEXT NOT NULL, text TEXT NOT NULL)"),
)
