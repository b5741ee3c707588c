"""Media library: assets with alt text and tags, and an accessibility report."""

from modules.media import assets, demo
from modules.media.schema import MIGRATIONS
from skills import Module

module = Module(
    id="media",
    name="Media library",
    description="Images, video and documents with alt text and tags, plus an accessibility report.",
    category="content",
    version="1.0.0",
    skills=(assets.register, assets.list_assets, assets.update, assets.alt_text_report, assets.delete),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
