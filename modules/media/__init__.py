"""Media library: assets with alt text and tags, and an accessibility report."""

from modules.media import assets
from skills import Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    for name, mime, size, alt in (("hero.jpg", "image/jpeg", 348_211, "Delivery van at sunrise"),
                                  ("team.png", "image/png", 812_004, None),
                                  ("price-list.pdf", "application/pdf", 92_113, None)):
        await ctx.db.execute("INSERT INTO media_assets (filename, mime_type, size_bytes, alt_text, tags, uploaded_at) "
                             "VALUES (?, ?, ?, ?, '[]', ?)", (name, mime, size, alt, ctx.now_iso()))


module = Module(
    id="media",
    name="Media library",
    description="Images, video and documents with alt text and tags, plus an accessibility report.",
    category="content",
    version="1.0.0",
    skills=(assets.register, assets.list_assets, assets.update, assets.alt_text_report, assets.delete),
    migrations=(Migration(1, """
        CREATE TABLE media_assets (
            id INTEGER PRIMARY KEY,
            filename TEXT NOT NULL UNIQUE,
            mime_type TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            alt_text TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            uploaded_at TEXT NOT NULL
        );
    """),),
    seed_demo=seed_demo,
)
