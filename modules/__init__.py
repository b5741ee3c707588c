"""Built-in business modules, listed explicitly. Community modules come from entry points."""

from modules.blog import module as blog
from modules.bookings import module as bookings
from modules.calendar import module as calendar
from modules.crm import module as crm
from modules.email import module as email
from modules.pilot import module as pilot
from modules.support import module as support
from modules.webhooks import module as webhooks
from skills import Module

BUILTIN_MODULES: tuple[Module, ...] = (crm, blog, email, webhooks, bookings, calendar, support, pilot)
