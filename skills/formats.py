"""Field formats shared by every module's input models, so an email or a currency code is
accepted or refused the same way everywhere (and the refusal names the same pattern)."""

# Deliberately loose: one @, no spaces, a dot in the domain. Deliverability is the SMTP server's call.
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# ISO 4217 alphabetic code, upper case (EUR, USD, GBP).
CURRENCY = r"^[A-Z]{3}$"

# One line of text with no control characters: anything that becomes an email header (a subject, a
# name, a title used in a subject). A line break there could add headers of its own (Bcc: ...).
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
