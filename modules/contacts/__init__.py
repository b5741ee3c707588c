"""Contacts: the people you work with, tagged, mergeable and exportable as CSV."""

from modules.contacts import people
from skills import Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    for name, email, tags in (("Maria Alvarez", "maria.alvarez@northwind.example", '["customer","vip"]'),
                              ("Jonas Berg", "jonas@kestrel.example", '["supplier"]')):
        await ctx.db.execute("INSERT INTO contacts (name, email, tags, created_at) VALUES (?, ?, ?, ?)",
                             (name, email, tags, ctx.now_iso()))


module = Module(
    id="contacts",
    name="Contacts",
    description="People at companies (customers, partners, suppliers): tags, duplicate merge and CSV export.",
    category="crm",
    version="1.0.0",
    requires=("crm",),
    skills=(people.create, people.list_contacts, people.tag, people.merge, people.export_csv),
    migrations=(Migration(1, """
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            phone TEXT,
            company_id INTEGER REFERENCES crm_companies(id),
            tags TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
    """),),
    seed_demo=seed_demo,
)
