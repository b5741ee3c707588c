"""Forms: the models its skills return."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from skills import Record
from skills.outside import Outside


class FieldSpec(Record):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    type: Literal["text", "email", "number", "choice"] = "text"
    required: bool = False
    options: list[str] = Field(default_factory=list)


class Form(Record):
    id: int
    name: str
    fields: list[FieldSpec]


class Submission(Record):
    id: int
    form_id: int
    data: Outside[dict[str, Any]]  # what the visitor typed
    lead_id: int | None
    created_at: str


class Submissions(Record):
    items: list[Submission]
    total: int


class FormStats(Record):
    form_id: int
    name: str
    submissions: int
    leads_created: int
    conversion: float


class Stats(Record):
    forms: list[FormStats]
