"""Surveys: typed questions, validated responses, results with averages and NPS."""

from modules.surveys import answers, demo, listing, surveys
from modules.surveys.schema import MIGRATIONS
from skills import Module

module = Module(
    id="surveys",
    name="Surveys",
    description="Customer surveys with choice, rating, NPS and text questions, and aggregated results.",
    category="growth",
    version="1.0.0",
    skills=(surveys.create, surveys.respond, surveys.results, surveys.close, listing.list_surveys,
            answers.text_answers),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
