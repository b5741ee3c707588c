"""Contacts: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class Contact(Record):
    id: int
    name: str
    email: str
    phone: str | None
    company_id: int | None
    tags: list[str]
    created_at: str


class ContactPage(Page[Contact]):
    pass


class Merged(Record):
    kept: Contact
    removed_id: int


class CsvExport(Record):
    rows: int
    csv: str
