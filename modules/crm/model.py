from __future__ import annotations

from skills import Page, Record
from skills.outside import Outside


class Company(Record):
    id: int
    name: str
    domain: str | None
    industry: str | None
    size: int | None


class Lead(Record):
    id: int
    email: str
    name: Outside[str | None]  # a web lead types its own name and notes
    company_id: int | None
    source: str
    status: str
    score: int | None
    notes: Outside[str]
    created_at: str


class Deal(Record):
    id: int
    title: str
    lead_id: int | None
    company_id: int | None
    value_cents: int
    currency: str
    stage: str
    expected_close: str | None


class LeadPage(Page[Lead]):
    pass


class CompanyPage(Page[Company]):
    pass


class StageSummary(Record):
    stage: str
    deals: int
    value_cents: int
    weighted_cents: int


class Pipeline(Record):
    stages: list[StageSummary]
    open_value_cents: int
    forecast_cents: int
    win_rate: float | None


class QualifyResult(Record):
    scored: int
    qualified: list[int]
