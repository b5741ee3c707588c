"""Bookings: services, weekly opening hours, availability slots and conflict-free appointments."""

from modules.bookings import appointments, demo, services
from modules.bookings.schema import MIGRATIONS
from skills import Module

module = Module(
    id="bookings",
    name="Bookings",
    description="Bookable services, opening hours, availability slots and appointments without double booking.",
    category="operations",
    version="1.0.0",
    requires=("business", "email"),  # the customer's confirmation, in the business's name
    skills=(services.create_service, services.set_hours, appointments.available_slots, appointments.book,
            appointments.reschedule, appointments.cancel, appointments.list_appointments),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
