"""Blog: posts moving draft -> scheduled -> published (-> archived), with categories."""

from modules.blog import demo, posts
from skills import Automation, Migration, Module

MIGRATIONS = (
    Migration(1, """
        CREATE TABLE blog_posts (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            slug TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL DEFAULT '',
            category TEXT,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'published', 'archived')),
            publish_at TEXT,
            published_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX blog_posts_status ON blog_posts(status, publish_at);
    """),
)

module = Module(
    id="blog",
    name="Blog",
    description="Blog posts with draft, scheduled and published states, and categories.",
    category="content",
    version="1.0.0",
    skills=(posts.create_post, posts.update_post, posts.schedule_post, posts.publish_post, posts.publish_due,
            posts.list_posts, posts.archive_post),
    automations=(
        Automation(name="Publish scheduled posts", trigger="cron", config={"schedule": "*/5 * * * *"},
                   skill="blog_publish_due", description="Publish posts whose time has come."),
    ),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
