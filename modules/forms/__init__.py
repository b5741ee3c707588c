"""Forms: typed fields, validated submissions, and every email submitted becomes a CRM lead."""

from modules.forms import forms
from skills import Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    await ctx.db.execute(
        "INSERT INTO forms (name, fields, created_at) VALUES ('Contact us', ?, ?)",
        ('[{"name": "name", "type": "text", "required": true, "options": []}, {"name": "email", "type": "email", '
         '"required": true, "options": []}, {"name": "message", "type": "text", "required": false, "options": []}]',
         ctx.now_iso()))


module = Module(
    id="forms",
    name="Forms",
    description="Website forms with typed fields; submissions are validated and become CRM leads.",
    category="growth",
    version="1.0.0",
    requires=("crm",),
    skills=(forms.create, forms.submit, forms.list_submissions, forms.stats),
    migrations=(Migration(1, """
        CREATE TABLE forms (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            fields TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE forms_submissions (
            id INTEGER PRIMARY KEY,
            form_id INTEGER NOT NULL REFERENCES forms(id),
            data TEXT NOT NULL,
            lead_id INTEGER,
            created_at TEXT NOT NULL
        );
    """),),
    seed_demo=seed_demo,
)
