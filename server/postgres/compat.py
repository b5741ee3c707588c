"""SQLite's JSON functions and ``sqlite_master``, defined in PostgreSQL for JSON kept as TEXT.

The code stores JSON as TEXT and a few queries read it with SQLite's ``json_each``,
``json_extract``, ``json_type``, ``json_array_length`` and ``json_set`` (docs/sql-portability.md
lists each caller). Overloads on ``text`` with SQLite's meaning let those texts run unchanged:
PostgreSQL's own ``json_each(json)`` and ``json_array_length(json)`` stay as they are, since a TEXT
argument picks the ``text`` overload. Paths are SQLite's ``$.key`` / ``$.a.b`` (what the code uses).
``json_type`` answers in SQLite's words (``text``, ``integer``, ``real``, ``true``...).

Applied by the store under the migration lock, once per database (``CREATE OR REPLACE``).
"""

from __future__ import annotations

COMPAT_SQL = r"""
CREATE EXTENSION IF NOT EXISTS citext;

CREATE OR REPLACE FUNCTION pilothouse_json_path(path text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN path = '$' THEN ARRAY[]::text[]
  ELSE string_to_array(substr(path, 3), '.') END $$;

CREATE OR REPLACE FUNCTION json_each(doc text) RETURNS TABLE (key text, value text, type text)
LANGUAGE sql IMMUTABLE AS $$
  SELECT (e.ordinality - 1)::text, e.value #>> '{}', jsonb_typeof(e.value)
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc::jsonb) = 'array' THEN doc::jsonb ELSE '[]' END)
       WITH ORDINALITY AS e(value, ordinality)
  UNION ALL
  SELECT o.key, o.value #>> '{}', jsonb_typeof(o.value)
  FROM jsonb_each(CASE WHEN jsonb_typeof(doc::jsonb) = 'object' THEN doc::jsonb ELSE '{}' END) AS o $$;

CREATE OR REPLACE FUNCTION json_extract(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT doc::jsonb #>> pilothouse_json_path(path) $$;

CREATE OR REPLACE FUNCTION json_type(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE jsonb_typeof(doc::jsonb #> pilothouse_json_path(path))
    WHEN 'string' THEN 'text'
    WHEN 'boolean' THEN (doc::jsonb #>> pilothouse_json_path(path))
    WHEN 'number' THEN CASE WHEN (doc::jsonb #>> pilothouse_json_path(path)) ~ '^-?[0-9]+$'
                            THEN 'integer' ELSE 'real' END
    ELSE jsonb_typeof(doc::jsonb #> pilothouse_json_path(path)) END $$;

CREATE OR REPLACE FUNCTION json_array_length(doc text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_array_length(doc::jsonb) $$;

CREATE OR REPLACE FUNCTION json_set(doc text, path text, value text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_set(COALESCE(doc, '{}')::jsonb, pilothouse_json_path(path), to_jsonb(value))::text $$;

CREATE OR REPLACE VIEW sqlite_master AS
  SELECT 'table'::text AS type, table_name::text AS name, table_name::text AS tbl_name
  FROM information_schema.tables WHERE table_schema = current_schema();
"""
