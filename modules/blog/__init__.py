"""Blog: posts moving draft -> scheduled -> published (-> archived), with categories."""

from modules.blog import demo, posts
from modules.blog.schema import MIGRATIONS
from skills import Automation, Module

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
