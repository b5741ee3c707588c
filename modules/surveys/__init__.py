"""Surveys: typed questions, validated responses, results with averages and NPS."""

from modules.surveys import answers, demo, listing, surveys
from skills import Migration, Module

module = Module(
    id="surveys",
    name="Surveys",
    description="Customer surveys with choice, rating, NPS and text questions, and aggregated results.",
    category="growth",
    version="1.0.0",
    skills=(surveys.create, surveys.respond, surveys.results, surveys.close, listing.list_surveys,
            answers.text_answers),
    migrations=(Migration(1, """
        CREATE TABLE surveys (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            questions TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE surveys_responses (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id),
            answers TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
    """),),
    seed_demo=demo.seed,
)
