"""Contracts: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class Contract(Record):
    id: int
    party: str
    title: str
    start_date: str
    end_date: str
    value_cents: int
    term_months: int
    notice_days: int
    auto_renew: bool
    status: str
    notice_deadline: str


class ContractPage(Page[Contract]):
    pass


class RenewalCheck(Record):
    within_days: int
    due: list[Contract]
