"""Contacts: the people you work with, tagged, mergeable and exportable as CSV."""

from modules.contacts import demo, people
from modules.contacts.schema import MIGRATIONS
from skills import Module

module = Module(
    id="contacts",
    name="Contacts",
    description="People at companies (customers, partners, suppliers): tags, duplicate merge and CSV export.",
    category="crm",
    version="1.0.0",
    requires=("crm",),
    skills=(people.create, people.list_contacts, people.tag, people.merge, people.export_csv),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
