"""Pages: CMS pages built from ordered blocks, publishing, and loop-free redirects."""

from modules.pages import demo, site
from modules.pages.schema import MIGRATIONS
from skills import Module

module = Module(
    id="pages",
    name="Pages",
    description="CMS pages made of blocks, publishing, and redirects without loops.",
    category="content",
    version="1.0.0",
    skills=(site.save, site.publish, site.add_redirect, site.resolve),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
