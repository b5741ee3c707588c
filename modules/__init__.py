"""Built-in business modules, listed explicitly. Community modules come from entry points."""

from modules.analytics import module as analytics
from modules.assistant import module as assistant
from modules.blog import module as blog
from modules.bookings import module as bookings
from modules.business import module as business
from modules.calendar import module as calendar
from modules.contacts import module as contacts
from modules.contracts import module as contracts
from modules.crm import module as crm
from modules.email import module as email
from modules.expenses import module as expenses
from modules.forms import module as forms
from modules.invoicing import module as invoicing
from modules.knowledge_base import module as knowledge_base
from modules.media import module as media
from modules.newsletter import module as newsletter
from modules.orders import module as orders
from modules.pages import module as pages
from modules.pilot import module as pilot
from modules.products import module as products
from modules.projects import module as projects
from modules.purchasing import module as purchasing
from modules.quotes import module as quotes
from modules.subscriptions import module as subscriptions
from modules.support import module as support
from modules.surveys import module as surveys
from modules.timesheets import module as timesheets
from modules.webhooks import module as webhooks
from modules.webinars import module as webinars
from skills import Module

# In dependency order: a module comes after the modules it requires.
BUILTIN_MODULES: tuple[Module, ...] = (
    crm,
    contacts,
    blog,
    pages,
    media,
    business,
    email,
    webhooks,
    invoicing,
    subscriptions,
    forms,
    newsletter,
    webinars,
    surveys,
    bookings,
    calendar,
    support,
    knowledge_base,
    analytics,
    assistant,
    projects,
    timesheets,
    contracts,
    purchasing,
    expenses,
    products,
    orders,
    quotes,
    pilot,
)
