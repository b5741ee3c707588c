"""Finding surveys: a filtered, paginated list with each survey's question and response counts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.surveys.model import SurveyPage
from skills import Filters, SkillContext, fetch_page, skill

# One row per survey with its response count, so filters and paging apply to surveys, not to responses.
SURVEYS = """(SELECT s.id, s.title, s.status, s.created_at, json_array_length(s.questions) AS questions,
       COUNT(r.id) AS responses, MAX(r.created_at) AS last_response_at
     FROM surveys s LEFT JOIN surveys_responses r ON r.survey_id = s.id GROUP BY s.id) AS surveys"""


@skill(name="surveys_list", title="List surveys",
                            examples=("which questionnaires do we have", "find a survey"),
                            synonyms=("questionnaires", "polls"),
                            read_only=True, instructions="""
       Surveys, newest first, with how many questions and responses each has and when the last
       response came in. Filter by status (open, closed) or a title fragment; page with limit and
       offset. The ids found here are what surveys_results, surveys_text_answers, surveys_respond
       and surveys_close take.
       """)
async def list_surveys(
    ctx: SkillContext,
    status: Literal["open", "closed"] | None = None,
    title: Annotated[str | None, Field(max_length=200)] = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 20,
    offset: Annotated[int, Field(ge=0)] = 0,
) -> SurveyPage:
    """Find surveys by status or title. Use when looking for a survey, its id or how many answered it.

    NOT for the answers themselves (use surveys_results, or surveys_text_answers for written ones).

    Args:
        status: Only open or only closed surveys.
        title: Part of the title, any case.
        limit: Page size (1-200).
        offset: How many to skip.
    """
    filters = Filters().add("status = ?", status).like(["title"], title)
    return await fetch_page(
        ctx.db, SurveyPage, select="*", from_=SURVEYS, filters=filters, order_by="created_at DESC, id DESC",
        limit=limit, offset=offset)
