"""AI assistant: skills that ask a model to write for the business (draft, suggest, summarize).

A module of its own, off by default, rather than skills inside blog, support and analytics:
these are the only skills that spend money per call and send business data to a model
provider, so one switch (``pilothouse modules enable assistant``) decides whether an instance
has them at all, and the modules they read stay free of model calls.
"""

from modules.assistant import blog_drafts, support_replies, weekly_summary
from skills import Module

module = Module(
    id="assistant",
    name="AI assistant",
    description="Model-written drafts: blog posts from notes, support reply suggestions, the week in brief.",
    category="content",
    version="1.0.0",
    skills=(blog_drafts.draft_blog_post, support_replies.suggest_reply, weekly_summary.summarize_week),
    requires=("blog", "support", "analytics"),
    enabled_by_default=False,
)
