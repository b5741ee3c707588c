"""The wording of the messages Pilothouse sends customers, as the owner finds it on a new instance.

Each is a template like any other (`{{placeholder}}` fields, plain text): the owner rewrites it
with email_update_template, and a change applies to every message sent after it. What a
template may use is what its default uses: the sending module fills exactly these values.
The letterhead (business name, summary box, pay button, legal footer) and, for newsletters,
the unsubscribe line are added around the text by letters.py, so no edit can drop them.
"""

from __future__ import annotations

SYSTEM: dict[str, tuple[str, str]] = {
    "invoice": (
        "Invoice {{number}} from {{business}}",
        "Hello {{customer}},\n\nPlease find attached invoice {{number}} for {{amount}}, due on {{due_date}}. "
        "How to pay is on the invoice and below.\n\nThank you for your business.\n\n{{business}}",
    ),
    "credit-note": (
        "Credit note {{number}} for invoice {{invoice_number}}",
        "Hello {{customer}},\n\nPlease find attached credit note {{number}}, which credits {{amount}} on invoice "
        "{{invoice_number}}.\nReason: {{reason}}\n\n{{business}}",
    ),
    "payment-reminder": (
        "{{title}}: invoice {{number}}",
        "Hello {{customer}},\n\n{{opening}}\n\nInvoice {{number}} was due on {{due_date}} ({{days}} days ago) and "
        "{{balance}} is still open. The reminder and a copy of the invoice are attached.\n\nIf you have paid in "
        "the meantime, please ignore this message.\n\n{{business}}",
    ),
    "quote": (
        "Quote {{number}} from {{business}}",
        "Hello {{customer}},\n\nPlease find attached our quote {{number}} for {{amount}}. It is valid until "
        "{{valid_until}}; to accept it, reply to this email.\n\nKind regards,\n{{business}}",
    ),
    "booking-confirmation": (
        "Booked: {{service}} on {{when}}",
        "Hello {{customer}},\n\nYour appointment is confirmed: {{service}}, {{when}} ({{duration}} minutes).\n\n"
        "To change or cancel it, reply to this email.\n\n{{business}}",
    ),
    "webinar-confirmation": (
        "{{status}}: {{webinar}}",
        "Hello,\n\n{{status_line}}\n\n{{webinar}} starts {{when}}.\n\n{{business}}",
    ),
    "webinar-cancellation": (
        "Cancelled: {{webinar}}",
        "Hello,\n\nWe are sorry: {{webinar}} on {{when}} is cancelled. {{reason}}\n\n{{business}}",
    ),
    "newsletter": ("{{subject}}", "{{body}}"),
    "newsletter-confirmation": (
        "Please confirm your subscription to {{business}}",
        "Hello,\n\nPlease confirm your subscription with this code: {{token}}\n\nIf you did not subscribe, ignore "
        "this email.\n\n{{business}}",
    ),
}
