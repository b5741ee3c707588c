"""Sample surveys for `pilothouse seed-demo`: an open customer-satisfaction survey with a dozen
responses (so the results show an NPS) and a closed feedback survey from the last webinar.

Every answer is checked with the module's own `answer_problems`, as a live response would be; rows
are written directly so responses keep the dates they came in on. Nothing is emailed.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from modules.surveys.model import Question
from modules.surveys.surveys import answer_problems
from skills import SkillContext

SATISFACTION = [
    Question(key="recommend", text="How likely are you to recommend us to a colleague?", type="nps"),
    Question(key="support", text="How happy are you with our support?", type="rating"),
    Question(key="plan", text="Which plan are you on?", type="single", options=["starter", "team", "enterprise"]),
    Question(key="improve", text="What should we improve first?", type="multiple",
             options=["reporting", "integrations", "mobile app", "pricing"]),
    Question(key="comment", text="Anything else you want to tell us?", type="text", required=False),
]
# 7 promoters, 3 passives, 2 detractors: NPS = (7 - 2) / 12 = +42.
SATISFACTION_ANSWERS: list[dict[str, Any]] = [
    {"recommend": 10, "support": 5, "plan": "team", "improve": ["reporting"], "comment": "Invoicing saves us hours."},
    {"recommend": 9, "support": 4, "plan": "enterprise", "improve": ["integrations", "reporting"]},
    {"recommend": 10, "support": 5, "plan": "starter", "improve": ["mobile app"]},
    {"recommend": 8, "support": 4, "plan": "team", "improve": ["pricing"], "comment": "A bit pricey for 3 people."},
    {"recommend": 9, "support": 5, "plan": "team", "improve": ["reporting"]},
    {"recommend": 6, "support": 2, "plan": "starter", "improve": ["integrations"],
     "comment": "Waited two days for a support answer."},
    {"recommend": 10, "support": 4, "plan": "enterprise", "improve": ["reporting", "mobile app"]},
    {"recommend": 7, "support": 3, "plan": "starter", "improve": ["pricing", "integrations"]},
    {"recommend": 9, "support": 5, "plan": "team", "improve": ["mobile app"], "comment": "Love the weekly summary."},
    {"recommend": 4, "support": 2, "plan": "team", "improve": ["reporting"],
     "comment": "Exports to our accounting tool keep failing."},
    {"recommend": 9, "support": 4, "plan": "enterprise", "improve": ["integrations"]},
    {"recommend": 8, "support": 4, "plan": "starter", "improve": ["reporting"]},
]

WEBINAR_FEEDBACK = [
    Question(key="useful", text="How useful was the session?", type="rating"),
    Question(key="next_topic", text="What should the next session cover?", type="single",
             options=["reporting", "automations", "integrations"]),
]
WEBINAR_ANSWERS: list[dict[str, Any]] = [
    {"useful": 5, "next_topic": "automations"}, {"useful": 4, "next_topic": "reporting"},
    {"useful": 4, "next_topic": "automations"}, {"useful": 3, "next_topic": "integrations"},
    {"useful": 5, "next_topic": "automations"},
]

# (title, status, days ago created, questions, answers)
SURVEYS = [
    ("Customer satisfaction, autumn", "open", 21, SATISFACTION, SATISFACTION_ANSWERS),
    ("Feedback: Getting started with automated invoicing", "closed", 12, WEBINAR_FEEDBACK, WEBINAR_ANSWERS),
]


def _checked(questions: list[Question], answers: dict[str, Any]) -> str:
    """The answers as JSON, refusing any the live `surveys_respond` would refuse."""
    if problems := answer_problems(questions, answers):
        raise ValueError("demo survey answer is invalid: " + "; ".join(problems))
    return json.dumps(answers)


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    for title, status, days_ago, questions, answers in SURVEYS:
        created = now - timedelta(days=days_ago)
        result = await ctx.db.execute(
            "INSERT INTO surveys (title, status, questions, created_at) VALUES (?, ?, ?, ?)",
            (title, status, json.dumps([q.model_dump() for q in questions]), created.isoformat(timespec="seconds")))
        # Responses trickle in over the days after the survey went out.
        for n, answer in enumerate(answers):
            at = created + timedelta(days=days_ago * (n + 1) / (len(answers) + 1))
            await ctx.db.execute("INSERT INTO surveys_responses (survey_id, answers, created_at) VALUES (?, ?, ?)",
                                 (result.lastrowid, _checked(questions, answer), at.isoformat(timespec="seconds")))
