"""Field formats shared by every module's input models, so an email or a currency code is
accepted or refused the same way everywhere (and the refusal names the same pattern)."""

# Deliberately loose: one @, no spaces, a dot in the domain. Deliverability is the SMTP server's call.
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# ISO 4217 alphabetic code, upper case (EUR, USD, GBP).
CURRENCY = r"^[A-Z]{3}$"
