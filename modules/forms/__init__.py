"""Forms: typed fields, validated submissions, and every email submitted becomes a CRM lead."""

from modules.forms import demo, forms
from modules.forms.schema import MIGRATIONS
from skills import Module

module = Module(
    id="forms",
    name="Forms",
    description="Website forms with typed fields; submissions are validated and become CRM leads.",
    category="growth",
    version="1.0.0",
    requires=("crm",),
    skills=(forms.create, forms.submit, forms.list_submissions, forms.stats),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
