"""The bounds every skill input gets unless its author declared tighter ones.

A malformed value must be a validation error before the handler runs, never an exception
inside it (which would read as a broken skill and count toward its breaker):

- an ``int`` fits SQLite's signed 64-bit INTEGER (a larger one raises OverflowError on bind);
- an id (a parameter named ``id``, ``*_id`` or ``*_ids``) is at least 1, unless the author set
  a lower bound of their own;
- a ``str`` is at most ``MAX_TEXT_CHARS`` long unless the author set ``max_length``, and holds no
  NUL character (PostgreSQL's text refuses one, and no business text has one);
- a ``date`` is a ``YYYY-MM-DD`` string (or a date), a ``datetime`` an ISO 8601 one: pydantic
  alone reads ``"-0"`` or ``0`` as 1970-01-01. Its year is within ``YEARS``, so a handler's
  date arithmetic (29 days before 0001-01-02) cannot overflow.

They are checked after the author's own constraints and add nothing to the JSON schema (every
tools/list would pay for them); the error message says what the bound is.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date, datetime
from typing import Annotated, Any

import annotated_types
from pydantic import AfterValidator, BeforeValidator

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
YEARS = range(1000, 9000)
MAX_TEXT_CHARS = 100_000

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?")


def _check_int(value: int, is_id: bool) -> None:
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"must be between {INT64_MIN} and {INT64_MAX} (a 64-bit integer)")
    if is_id and value < 1:
        raise ValueError("must be an id (1 or more); list or search the records to find one")


def _check_one(value: Any, is_id: bool, text_bounded: bool) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        _check_int(value, is_id)
    elif isinstance(value, str):
        if not text_bounded and len(value) > MAX_TEXT_CHARS:
            raise ValueError(f"is {len(value):,} characters long; at most {MAX_TEXT_CHARS:,} are accepted")
        if "\x00" in value:
            raise ValueError("contains a NUL character (\\x00); remove it (no text field stores one)")
    elif isinstance(value, date) and value.year not in YEARS:
        raise ValueError(f"must be between the years {YEARS.start} and {YEARS.stop - 1}")


def _after(is_id: bool, text_bounded: bool) -> AfterValidator:
    def check(value: Any) -> Any:
        for item in value if isinstance(value, list) else [value]:
            _check_one(item, is_id, text_bounded)
        return value

    return AfterValidator(check)


def _iso(pattern: re.Pattern[str], what: str) -> BeforeValidator:
    def check(value: Any) -> Any:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not pattern.fullmatch(item.strip()):
                raise ValueError(f"must be {what}")
            if isinstance(item, int | float) and not isinstance(item, bool):
                raise ValueError(f"must be {what}, not a number")
        return value

    return BeforeValidator(check)


_DATE_CHECK = _iso(_DATE, "a date as YYYY-MM-DD")
_DATETIME_CHECK = _iso(_DATETIME, "an ISO 8601 date-time such as 2025-03-01T09:30:00Z")


def bounded(name: str, hint: Any) -> Any:
    """``hint`` with the default bounds appended to its metadata, after the author's own (so the
    author's constraints and their JSON schema are exactly as written)."""
    leaves: set[Any] = set()
    declared: list[Any] = []
    _walk(hint, leaves, declared)
    if not leaves & {int, str, date, datetime}:
        return hint
    is_id = (name == "id" or name.endswith(("_id", "_ids"))) and not _declares(declared, annotated_types.Ge,
                                                                                annotated_types.Gt)
    checks: list[Any] = [_after(is_id, _declares(declared, annotated_types.MaxLen))]
    if datetime in leaves:
        checks.append(_DATETIME_CHECK)
    elif date in leaves:
        checks.append(_DATE_CHECK)
    if typing.get_origin(hint) is Annotated:
        base, *metadata = typing.get_args(hint)
        return Annotated[base, *metadata, *checks]
    return Annotated[hint, *checks]


def _walk(hint: Any, leaves: set[Any], declared: list[Any]) -> None:
    """The plain types ``hint`` is made of (through Annotated, unions and lists), and the metadata on the way."""
    origin = typing.get_origin(hint)
    if origin is Annotated:
        inner, *metadata = typing.get_args(hint)
        declared.extend(metadata)
        _walk(inner, leaves, declared)
    elif origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(hint):
            _walk(arg, leaves, declared)
    elif isinstance(hint, type):
        leaves.add(hint)


def _declares(metadata: list[Any], *kinds: type) -> bool:
    """Whether the author's metadata (``Field(...)`` or annotated_types) already sets such a bound."""
    for item in metadata:
        inner = getattr(item, "metadata", None)  # a FieldInfo carries its constraints in .metadata
        if any(isinstance(m, kinds) for m in ([item] if inner is None else inner)):
            return True
    return False
