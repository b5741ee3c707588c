"""How operators say things, mapped to the words the catalog uses (search's query expansion).

Skills describe themselves in the back office's vocabulary (invoice, vendor, receivables);
people type their own ("bill", "supplier", "who owes us"). Each line below is one spoken word
or phrase and the catalog words it stands for; a query word found here also searches for them,
at ``EXPANSION_WEIGHT`` of a word the person typed, so an exact match still ranks first.
Module authors add skill-specific wording with ``@skill(examples=..., synonyms=...)``; this
list holds only the general business English every module shares.
"""

from __future__ import annotations

EXPANSION_WEIGHT = 0.6

# "spoken: catalog words". Phrases (two words) are matched before single words.
_LINES = """
bill: invoice
billing: invoice
bills: invoice
owe: invoice outstanding receivable unpaid
owes: invoice outstanding receivable unpaid
unpaid: overdue outstanding
late: overdue past due
chase: reminder overdue
nudge: reminder
remind: reminder
paid: payment
pay: payment
money back: refund
supplier: vendor purchase
suppliers: vendor purchase
arrived: receive goods
came in: receive
delivery: receive shipment
customer: customer contact
client: customer
clients: customer
prospect: lead
opportunity: deal
funnel: pipeline
won: stage deal
estimate: quote
offer: quote
proposal: quote
coupon: discount code
promo: discount code
stock: stock inventory
inventory: stock
reorder: low stock
shop: order product
sku: product
catalog: product
revenue: sales
income: sales
seminar: webinar
webinars: webinar
appointment: appointment booking
slot: slot available
questionnaire: survey
feedback: survey
nps: survey nps
ticket: ticket support
complaint: ticket support
case: ticket
faq: article knowledge
help: article
visits: view page traffic
visitors: traffic view
traffic: traffic view
todo: task
to-do: task
hours: time timesheet
agreement: contract
lease: contract
receipt: expense
reimburse: expense reimburse
claim: expense
spreadsheet: csv export
excel: csv export
download: export
photo: image media
photos: image media
picture: image media
pictures: image media
logo: media
mailing list: newsletter subscriber
newsletter: newsletter campaign
blast: send campaign
mail: email
emails: email outbox
goal: objective
goals: objective
notes: memory
remember: memory
alerts: notification
okay: approve approval
go ahead: approve
recap: digest summary
week: weekly
overview: summary report
show: list
which: list
see: list
take off: unsubscribe remove
buy: purchase order
"""


def _parse(text: str) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in text.strip().splitlines():
        spoken, _, meant = line.partition(":")
        table[spoken.strip()] = tuple(meant.split())
    return table


EXPANSIONS: dict[str, tuple[str, ...]] = _parse(_LINES)
PHRASES: tuple[str, ...] = tuple(sorted((k for k in EXPANSIONS if " " in k), key=len, reverse=True))
