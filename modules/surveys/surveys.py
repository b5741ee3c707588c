"""Surveys: typed questions, validated responses, aggregated results and NPS."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field

from modules.surveys.model import Question, QuestionResult, Response, Results, Survey
from skills import SkillContext, SkillFailed, fetch_one, skill


async def load_survey(ctx: SkillContext, survey_id: int) -> Survey:
    """The survey, or NotFound that points at surveys_list."""
    row = await fetch_one(
        ctx.db, "SELECT * FROM surveys WHERE id = ?", (survey_id,),
        missing=f"no survey with id {survey_id}; surveys_list finds surveys by title or status")
    return Survey(id=row["id"], title=row["title"], status=row["status"],
                  questions=[Question(**q) for q in json.loads(row["questions"])])


def check_answer(q: Question, value: Any) -> str | None:
    if q.type == "single" and value not in q.options:
        return f"'{q.key}' must be one of {', '.join(q.options)}"
    if q.type == "multiple" and not (isinstance(value, list) and value and set(value) <= set(q.options)):
        return f"'{q.key}' must be a non-empty list drawn from {', '.join(q.options)}"
    if q.type == "rating" and value not in (1, 2, 3, 4, 5):
        return f"'{q.key}' must be a rating from 1 to 5"
    if q.type == "nps" and value not in range(11):
        return f"'{q.key}' must be a score from 0 to 10"
    if q.type == "text" and not isinstance(value, str):
        return f"'{q.key}' must be text"
    return None


def answer_problems(questions: list[Question], answers: dict[str, Any]) -> list[str]:
    """Everything wrong with one response: unknown keys, missing required answers, invalid values.

    One place for the rules, so the demo seed refuses exactly what surveys_respond refuses.
    """
    by_key = {q.key: q for q in questions}
    problems = [f"'{k}' is not a question of this survey" for k in answers if k not in by_key]
    for q in questions:
        if q.key not in answers:
            if q.required:
                problems.append(f"'{q.key}' is required")
        elif message := check_answer(q, answers[q.key]):
            problems.append(message)
    return problems


@skill(title="Create a survey",
       examples=("make a questionnaire", "create a feedback poll"),
       synonyms=("questionnaire", "poll", "feedback form"),
       instructions="""
    Question types: single and multiple choice (with options), rating (1-5), nps (0-10, "how likely
    are you to recommend us") and text. Keys are short identifiers used in responses.
    """)
async def create(ctx: SkillContext, title: Annotated[str, Field(min_length=3, max_length=200)],
                 questions: Annotated[list[Question], Field(min_length=1)]) -> Survey:
    """Create a survey from its questions.

    Args:
        title: Survey title.
        questions: The questions, each with key, text, type and options for choices.
    """
    keys = [q.key for q in questions]
    if len(keys) != len(set(keys)):
        raise SkillFailed("question keys must be unique")
    if bad := [q.key for q in questions if q.type in ("single", "multiple") and len(q.options) < 2]:
        raise SkillFailed(f"choice questions need at least two options: {', '.join(bad)}")
    result = await ctx.db.execute("INSERT INTO surveys (title, status, questions, created_at) VALUES (?, 'open', ?, ?)",
                                  (title, json.dumps([q.model_dump() for q in questions]), ctx.now_iso()))
    return await load_survey(ctx, result.lastrowid or 0)


@skill(title="Answer a survey",
       examples=("submit survey answers for someone", "fill in the survey"),
       synonyms=("answer", "fill in", "response"),
       scope="external", instructions="""
    Records one response. Every answer is checked against its question (type, options, range);
    required questions must be answered; closed surveys take no responses.
    """)
async def respond(ctx: SkillContext, survey_id: int, answers: dict[str, Any]) -> Response:
    """Submit a response to an open survey.

    Args:
        survey_id: The survey.
        answers: Answers by question key.
    """
    survey = await load_survey(ctx, survey_id)
    if survey.status != "open":
        raise SkillFailed(f"survey {survey_id} is closed")
    if problems := answer_problems(survey.questions, answers):
        raise SkillFailed("invalid response: " + "; ".join(problems))
    result = await ctx.db.execute("INSERT INTO surveys_responses (survey_id, answers, created_at) VALUES (?, ?, ?)",
                                  (survey_id, json.dumps(answers), ctx.now_iso()))
    return Response(id=result.lastrowid or 0, survey_id=survey_id)


@skill(title="Survey results",
       examples=("what did people answer in the survey", "net promoter score"),
       synonyms=("nps", "results", "score", "satisfaction"),
       category="analytics", read_only=True, instructions="""
    Aggregates all responses: counts per option for choice questions, average for ratings, and the
    Net Promoter Score for nps questions: % promoters (9-10) minus % detractors (0-6), from -100 to 100.
    """)
async def results(ctx: SkillContext, survey_id: int) -> Results:
    """Aggregate a survey's responses, including NPS.

    Args:
        survey_id: The survey.
    """
    survey = await load_survey(ctx, survey_id)
    rows = [json.loads(r["answers"]) for r in await ctx.db.fetchall(
        "SELECT answers FROM surveys_responses WHERE survey_id = ?", (survey_id,))]
    out = []
    for q in survey.questions:
        values = [r[q.key] for r in rows if q.key in r]
        result = QuestionResult(key=q.key, answers=len(values))
        if q.type in ("single", "multiple"):
            flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
            result.counts = {o: flat.count(o) for o in q.options}
        elif q.type == "rating" and values:
            result.average = round(sum(values) / len(values), 2)
        elif q.type == "nps" and values:
            promoters, detractors = sum(v >= 9 for v in values), sum(v <= 6 for v in values)
            result.nps = round(100 * (promoters - detractors) / len(values))
        out.append(result)
    return Results(survey_id=survey_id, responses=len(rows), questions=out)


@skill(title="Close a survey",
       examples=("stop the survey", "end the poll"),
       synonyms=("stop", "end", "poll"),
       idempotent=True,
       instructions="Stops accepting responses; results stay available.")
async def close(ctx: SkillContext, survey_id: int) -> Survey:
    """Close a survey to new responses.

    Args:
        survey_id: The survey.
    """
    await load_survey(ctx, survey_id)
    await ctx.db.execute("UPDATE surveys SET status = 'closed' WHERE id = ?", (survey_id,))
    return await load_survey(ctx, survey_id)
