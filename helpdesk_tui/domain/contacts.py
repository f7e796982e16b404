"""E-mail addresses and phone numbers as people type them: checked by well-kept libraries
(email-validator, phonenumbers; Ukraine is the default region), stored normalised (an address
as the validator normalises it, a phone in E.164) and shown the way people write them.

The libraries are imported when a contact is checked or shown, not at start-up: the first
frame needs neither."""

from __future__ import annotations

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import _

DEFAULT_REGION = "UA"


def normal_email(text: str, *, field: str = "email") -> str:
    """The address, normalised (the domain in lower case); RuleViolation saying why not."""
    from email_validator import EmailNotValidError, validate_email

    value = text.strip()
    try:
        return validate_email(value, check_deliverability=False).normalized  # type: ignore[no-any-return]
    except EmailNotValidError:
        raise RuleViolation(_("«{email}» is not an e-mail address").format(email=value), field=field) from None


def normal_phone(text: str, *, region: str = DEFAULT_REGION, field: str = "phone") -> str:
    """The number in E.164 (+380671234567), however it was written; RuleViolation if it is none."""
    import phonenumbers

    value = text.strip()
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise RuleViolation(_("«{phone}» is not a phone number (e.g. +380 67 123 45 67 or 067 123 45 67)").format(
            phone=value), field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)  # type: ignore[no-any-return]


def shown_phone(stored: str | None) -> str | None:
    """A stored number as people write it: +380 67 123 45 67 for Ukraine, the international
    format elsewhere; anything that does not parse (older data) as it was stored."""
    if not stored:
        return stored
    digits = stored[1:] if stored.startswith("+") else ""
    if digits.isdigit() and digits.startswith("380") and len(digits) == 12:
        n = digits[3:]
        return f"+380 {n[:2]} {n[2:5]} {n[5:7]} {n[7:]}"
    if not digits.isdigit():
        return stored
    import phonenumbers

    try:
        return phonenumbers.format_number(phonenumbers.parse(stored, None),  # type: ignore[no-any-return]
                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return stored
