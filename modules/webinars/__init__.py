"""Webinars: scheduling with capacity, registration and waitlist, check-in, attendance."""

from modules.webinars import demo, listing, webinars
from skills import Migration, Module

module = Module(
    id="webinars",
    name="Webinars",
    description="Webinars with seat limits, waitlists, check-in and attendance reports.",
    category="growth",
    version="1.0.0",
    requires=("email",),
    skills=(webinars.schedule, webinars.register, webinars.check_in, webinars.attendance, webinars.cancel,
            listing.list_webinars),
    migrations=(Migration(1, """
        CREATE TABLE webinars (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            capacity INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled'))
        );
        CREATE TABLE webinars_registrations (
            id INTEGER PRIMARY KEY,
            webinar_id INTEGER NOT NULL REFERENCES webinars(id),
            email TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('registered', 'waitlisted', 'attended')),
            created_at TEXT NOT NULL,
            UNIQUE (webinar_id, email)
        );
    """),),
    seed_demo=demo.seed,
)
