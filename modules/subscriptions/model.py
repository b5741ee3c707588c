"""Subscriptions: the models its skills return."""

from __future__ import annotations

from skills import Record


class Plan(Record):
    id: int
    name: str
    price_cents: int
    interval: str


class Subscription(Record):
    id: int
    plan_id: int
    customer: str
    customer_email: str
    status: str
    period_start: str
    period_end: str


class PlanMrr(Record):
    plan: str
    subscriptions: int
    mrr_cents: int


class Mrr(Record):
    mrr_cents: int
    arr_cents: int
    plans: list[PlanMrr]


class Renewals(Record):
    renewed: list[int]
    invoices: list[int]
