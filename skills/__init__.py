"""The contract a module author imports. Imports nothing else of Pilothouse."""

from skills.automation import Automation
from skills.context import Cause, Clock, Database, Effect, Row, SkillContext, SystemClock, WriteResult
from skills.contract import CATEGORIES, NAME_PATTERN, ContractError, Hints, Skill, definition_of, skill
from skills.errors import (
    HARD_GATES,
    RETRYABLE,
    ErrorKind,
    ExternalError,
    NotFound,
    RetrySkill,
    SkillError,
    SkillFailed,
    classify_http_status,
)
from skills.module import Migration, Module
from skills.paging import Filters, Page, contains_pattern, fetch_one, fetch_page, page_clause
from skills.preview import Preview, PreviewLine, RecordRef, consequence
from skills.record import Record
from skills.transitions import check_transition

__all__ = [
    "CATEGORIES",
    "HARD_GATES",
    "NAME_PATTERN",
    "RETRYABLE",
    "Automation",
    "Cause",
    "Clock",
    "ContractError",
    "Database",
    "Effect",
    "ErrorKind",
    "ExternalError",
    "Filters",
    "Hints",
    "Migration",
    "Module",
    "NotFound",
    "Page",
    "Preview",
    "PreviewLine",
    "Record",
    "RecordRef",
    "RetrySkill",
    "Row",
    "Skill",
    "SkillContext",
    "SkillError",
    "SkillFailed",
    "SystemClock",
    "WriteResult",
    "check_transition",
    "classify_http_status",
    "consequence",
    "contains_pattern",
    "definition_of",
    "fetch_one",
    "fetch_page",
    "page_clause",
    "skill",
]
