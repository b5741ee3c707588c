"""Webinars: scheduling with capacity, registration and waitlist, check-in, attendance."""

from modules.webinars import demo, listing, webinars
from modules.webinars.schema import MIGRATIONS
from skills import Module

module = Module(
    id="webinars",
    name="Webinars",
    description="Webinars with seat limits, waitlists, check-in and attendance reports.",
    category="growth",
    version="1.0.0",
    requires=("business", "email"),
    skills=(webinars.schedule, webinars.register, webinars.check_in, webinars.attendance, webinars.cancel,
            listing.list_webinars),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
