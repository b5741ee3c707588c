"""Analytics: page views, top pages, traffic sources and the weekly business digest."""

from modules.analytics import demo, digest, traffic
from modules.analytics.schema import MIGRATIONS
from modules.analytics.settings import AnalyticsSettings
from skills import Automation, Module

module = Module(
    id="analytics",
    name="Analytics",
    description="Page views, top pages, traffic sources and a weekly business digest across modules.",
    category="analytics",
    version="1.0.0",
    skills=(traffic.record_view, traffic.top_pages, traffic.traffic_sources, digest.weekly_digest),
    automations=(Automation(name="Weekly digest", trigger="cron", config={"schedule": "0 8 * * 1"},
                            skill="analytics_weekly_digest", executor="pilot",
                            description="Monday-morning summary for the owner (the agent passes it on)."),),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
    settings=AnalyticsSettings,
)
