"""Business: the business's own identity (the profile) and the archive of the documents it sent.

Invoicing, quotes, credit notes, payment reminders and every customer email read the profile:
legal and trading name, address, tax and company numbers, contact, bank and payment details,
logo, default currency, locale, time zone and invoice terms. Documents refuse to go out while
a field they legally need is missing (requirements.py). The PDFs themselves are laid out here
(sheet.py, pdf.py) and kept byte for byte once sent (archive.py).
"""

from modules.business import archive, demo, profile
from modules.business.schema import MIGRATIONS
from skills import Module

module = Module(
    id="business",
    name="Business profile",
    description="The business's identity on every document and message, and the archive of sent PDFs.",
    category="finance",
    version="1.0.0",
    skills=(profile.profile_get, profile.profile_update, archive.documents_list, archive.document_get),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
