"""Pages: CMS pages built from ordered blocks, publishing, and loop-free redirects."""

from modules.pages import site
from skills import Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    blocks = ('[{"type": "heading", "content": {"text": "About us"}}, {"type": "text", "content": '
              '{"markdown": "We make delivery simple."}}]')
    await ctx.db.execute("INSERT INTO pages (path, title, blocks, published, updated_at) VALUES "
                         "('/about', 'About us', ?, 1, ?)", (blocks, ctx.now_iso()))
    await ctx.db.execute("INSERT INTO pages_redirects (source, target) VALUES ('/company', '/about')")


module = Module(
    id="pages",
    name="Pages",
    description="CMS pages made of blocks, publishing, and redirects without loops.",
    category="content",
    version="1.0.0",
    skills=(site.save, site.publish, site.add_redirect, site.resolve),
    migrations=(Migration(1, """
        CREATE TABLE pages (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            blocks TEXT NOT NULL DEFAULT '[]',
            published INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE pages_redirects (
            source TEXT PRIMARY KEY,
            target TEXT NOT NULL
        );
    """),),
    seed_demo=seed_demo,
)
