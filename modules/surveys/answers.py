"""Reading what people wrote: the free-text answers to one text question, newest first."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import Field

from modules.surveys.model import Survey, TextAnswer, TextAnswerPage
from modules.surveys.surveys import load_survey
from skills import Filters, Row, SkillContext, SkillFailed, contains_pattern, fetch_page, skill


def _text_question(survey: Survey, key: str) -> str:
    """The question's wording, or a refusal that names the text questions the caller can read instead."""
    texts = [q.key for q in survey.questions if q.type == "text"]
    available = (f"its text questions: {', '.join(texts)}" if texts
                 else "it has no text questions; surveys_results summarises the others")
    question = next((q for q in survey.questions if q.key == key), None)
    if question is None:
        raise SkillFailed(f"survey {survey.id} has no question '{key}'; {available}")
    if question.type != "text":
        raise SkillFailed(f"'{key}' is not a text question of survey {survey.id} (its type is {question.type}, "
                          f"which surveys_results summarises); {available}")
    return question.text


@skill(title="Read text answers",
       examples=("read the written survey comments", "what did people write in the survey"),
       synonyms=("comments", "free text", "written"),
       category="analytics", read_only=True,
       instructions="""
       The written answers to one text question of a survey, newest first, each with its response
       id and when it came in. `question` is the question's key (surveys_results lists the keys);
       `contains` keeps answers with that text in them, any case. Blank answers and responses that
       skipped the question are left out. Page with limit and offset.
       """)
async def text_answers(
    ctx: SkillContext,
    survey_id: int,
    question: Annotated[str, Field(min_length=1, max_length=40)],
    contains: Annotated[str | None, Field(max_length=200)] = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 20,
    offset: Annotated[int, Field(ge=0)] = 0,
) -> TextAnswerPage:
    """Read the free-text answers to a survey question. Use when you need what people actually wrote.

    NOT for counts, averages or NPS (use surveys_results).

    Args:
        survey_id: The survey (surveys_list finds it).
        question: Key of a text question of that survey.
        contains: Only answers containing this text, any case.
        limit: Page size (1-200).
        offset: How many to skip.
    """
    survey = await load_survey(ctx, survey_id)
    wording = _text_question(survey, question)
    # Keys are validated identifiers (^[a-z][a-z0-9_]*$), so the JSON path needs no quoting.
    path = f"$.{question}"
    filters = (Filters().add("survey_id = ?", survey_id)
               .add("json_type(answers, ?) = 'text' AND TRIM(json_extract(answers, ?)) != ''", path, path))
    if contains:
        filters.add("json_extract(answers, ?) LIKE ? ESCAPE '\\'", path, contains_pattern(contains))
    def answer(r: Row) -> TextAnswer:
        return TextAnswer(response_id=r["id"], answer=json.loads(r["answers"])[question], answered_at=r["created_at"])

    return await fetch_page(
        ctx.db, TextAnswerPage, select="id, answers, created_at", from_="surveys_responses", filters=filters,
        order_by="created_at DESC, id DESC", limit=limit, offset=offset, item=answer,
        extra={"survey_id": survey_id, "question": question, "question_text": wording})
