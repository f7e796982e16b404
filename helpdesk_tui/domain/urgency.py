"""Criticality from a client's e-mail (R34, R35): the seed asks clients to mark an urgent ticket
and to name one of the three reasons «в тексті Термінових звернень». A subject that says it is
urgent and a text that names a reason make the ticket urgent with that reason; urgent without a
reason stays for the analyst to judge (an urgent ticket must name one, R35)."""

from __future__ import annotations

import re

_MARKER = re.compile(r"(?<!\w)(терміново|термінове|термінова|невідкладно|urgent|asap|срочно)(?!\w)", re.IGNORECASE)
# Word beginnings, case-folded; the first reason whose words appear wins, widest harm first.
_REASONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("most_users_affected", ("більшість користувач", "більшості користувач", "всі користувач", "усі користувач",
                             "у всіх користувач", "ніхто не може", "всі працівники", "усі працівники",
                             "most users", "all users", "nobody can")),
    ("management_affected", ("керівництв", "директор", "керівник", "management", "director")),
    ("operational_work_blocked", ("чек", "касов", "каса ", "касу", "відвантаж", "відгруз", "звітн", "податков",
                                  "декларац", "receipt", "till", "shipment", "report due")),
)


_NEGATION = re.compile(r"(?:^|\W)(не|ні|not|non)\W*$", re.IGNORECASE)


def marked_urgent(subject: str) -> bool:
    """The subject says urgent, and not «не термінове»."""
    subject = subject or ""
    return any(not _NEGATION.search(subject[:m.start()]) for m in _MARKER.finditer(subject))


def urgent_reason_in(text: str) -> str | None:
    folded = " ".join((text or "").casefold().split()) + " "
    for reason, words in _REASONS:
        if any(word in folded for word in words):
            return reason
    return None


def criticality_from_mail(subject: str, text: str) -> tuple[str | None, str | None, bool]:
    """(criticality, urgent reason, marked urgent without a reason) of a new ticket by mail."""
    if not marked_urgent(subject):
        return None, None, False
    reason = urgent_reason_in(f"{subject}\n{text}")
    if reason is None:
        return None, None, True
    return "urgent", reason, False
