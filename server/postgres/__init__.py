"""The PostgreSQL backend: the store, its dialect layer and SQLite's JSON functions as SQL."""
