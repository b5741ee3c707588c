"""Surveys: the models its skills return."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from skills import Page, Record
from skills.outside import Outside


class TextAnswer(Record):
    response_id: int
    answer: Outside[str]  # what the respondent typed
    answered_at: str


class TextAnswerPage(Page[TextAnswer]):
    survey_id: int
    question: str
    question_text: str


class SurveySummary(Record):
    id: int
    title: str
    status: str
    created_at: str
    questions: int
    responses: int
    last_response_at: str | None


class SurveyPage(Page[SurveySummary]):
    pass


class Question(Record):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    text: Annotated[str, Field(min_length=3)]
    type: Literal["single", "multiple", "rating", "nps", "text"]
    options: list[str] = Field(default_factory=list)
    required: bool = True


class Survey(Record):
    id: int
    title: str
    status: str
    questions: list[Question]


class QuestionResult(Record):
    key: str
    answers: int
    counts: dict[str, int] = Field(default_factory=dict)
    average: float | None = None
    nps: int | None = None


class Results(Record):
    survey_id: int
    responses: int
    questions: list[QuestionResult]


class Response(Record):
    id: int
    survey_id: int
