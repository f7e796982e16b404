"""The new part of a reply: quoted lines dropped, and everything from the reply header ("On …
wrote:", Outlook's From/Sent block, in English, Ukrainian, Russian, German, French) or the
signature separator on cut off. And whether a reply only confirms (the word ЗАКРИТИ/CLOSE the
resolution and implementation e-mails ask for), or asks to close the ticket whatever its status
(R39: «Закрити звернення», the words of the client's form)."""

from __future__ import annotations

import re

from helpdesk_tui.mail.bodies import _normalise_newlines

_REPLY_HEADER_LINE = [
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),
    # Thunderbird, Gmail and Outlook.com in Ukrainian, Russian, German, French; with a date or address.
    re.compile(
        r"^(?=.*[\d@]).{0,300}\b(пише|написав|написала|пишет|писал|писала|написал|schrieb|a écrit)\s*:\s*$",
        re.IGNORECASE,
    ),
    # Gmail in Russian and Ukrainian may leave out the verb: "пн, 1 січ. 2024 р. о 10:00 Ім'я <a@b.ua>:"
    re.compile(r"^(?=.*\d).{0,300}<[^<>\s]+@[^<>\s]+>\s*:\s*$"),
    re.compile(
        r"^\s*-{2,}\s*(original message|original nachricht|ursprüngliche nachricht|вихідне повідомлення|"
        r"початкове повідомлення|оригінальне повідомлення|исходное сообщение|оригинальное сообщение)\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
]
_OUTLOOK_FROM = re.compile(r"^\s*\*?(from|від|от|von|de|od)\s*:\*?\s*\S", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(
    r"^\s*\*?(sent|date|надіслано|відправлено|дата|отправлено|gesendet|datum|envoyé)\s*:", re.IGNORECASE
)
_UNDERSCORE_RULE = re.compile(r"^\s*_{10,}\s*$")
_QUOTED_LINE = re.compile(r"^\s*>")
# What closes a ticket from any status when it is the whole first line of the client's reply.
# Whole phrases only: «Закрити звернення, але спершу…» is a question, not a decision.
CLOSE_PHRASES = frozenset({
    "закрити", "закрийте", "закрити звернення", "закрийте звернення", "прошу закрити", "прошу закрити звернення",
    "close", "close ticket", "close the ticket", "please close", "please close the ticket",
    "закрыть", "закройте", "закрыть обращение",
})
# What agrees to a change request (R36) when it is the whole first line of the client's reply.
AGREE_PHRASES = frozenset({
    "погоджую", "погоджуюсь", "погоджено", "погоджуємо", "згоден", "згодна", "згодні", "так, погоджую",
    "agree", "i agree", "we agree", "agreed", "approved",
    "согласен", "согласна", "согласовано",
})
# Besides those, what confirms a resolution (an answer to «Вирішено» or «Реалізовано» only).
CONFIRMATIONS = CLOSE_PHRASES | {"підтверджую", "confirm"}
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def first_line(reply: str) -> str:
    """The reply's first line that says something, lower case, without the punctuation around
    it and with its spaces single («  Закрити   звернення! » → «закрити звернення»)."""
    line = next((line for line in reply.splitlines() if line.strip()), "")
    return " ".join(_EDGE_PUNCTUATION.sub("", line.casefold().strip()).split())


def is_confirmation(reply: str) -> bool:
    """The reply's first line is the word that closes an incident or a request once resolved."""
    return first_line(reply) in CONFIRMATIONS


def is_close_request(reply: str) -> bool:
    """The reply's first line asks to close the ticket, whatever its status (R39). `reply` is
    the new part only (strip_quoted_reply): a quoted «Закрити звернення» asks nothing."""
    return first_line(reply) in CLOSE_PHRASES


def is_agreement(reply: str) -> bool:
    """The reply's first line agrees to a change request (R36); quoted text agrees to nothing."""
    return first_line(reply) in AGREE_PHRASES


def strip_quoted_reply(text: str) -> str:
    """The new part of a reply: no quoted lines, nothing from the reply header or signature on.

    Assumes top-posting (Outlook, Gmail and most people): text below a reply header is old.
    Returns "" when nothing new is left (a bare forward, say); callers then show the whole text.
    """
    lines = _normalise_newlines(text).split("\n")
    end = _end_of_new_part(lines)
    kept = [line for line in lines[:end] if not _QUOTED_LINE.match(line)]
    return "\n".join(kept).strip("\n").rstrip()


def _end_of_new_part(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if line.rstrip() == "--":  # "-- " by the standard; many clients trim the space
            return i
        if _is_reply_header(lines, i):
            return i - 1 if i and _UNDERSCORE_RULE.match(lines[i - 1]) else i
    return len(lines)


def _is_reply_header(lines: list[str], i: int) -> bool:
    if not lines[i].strip() or _QUOTED_LINE.match(lines[i]):
        return False
    for size in (1, 2, 3):  # Gmail wraps long "On … wrote:" lines
        window = lines[i : i + size]
        if len(window) < size or any(not line.strip() for line in window):
            break
        joined = " ".join(line.strip() for line in window)
        if any(pattern.match(joined) for pattern in _REPLY_HEADER_LINE):
            return True
    if _OUTLOOK_FROM.match(lines[i]):
        return any(_OUTLOOK_SENT.match(line) for line in lines[i + 1 : i + 5])
    return False
