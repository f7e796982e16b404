"""Whether a machine sent the mail, and which kind (RFC 3834 and common practice): a mail loop
through the desk itself, a bounce, an auto-reply, bulk or list mail. The intake must not answer
machines; a person's mail is classified None."""

from __future__ import annotations

import re
from email.message import Message

from helpdesk_tui.mail.headers import _HeaderReader, _param, _raw_header
from helpdesk_tui.mail.options import _Options

_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|автоматична відповідь|"
    r"автовідповідь|автоответ|автоматический ответ|abwesenheitsnotiz|automatische antwort)",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})


def _classify(
    msg: Message,
    headers: _HeaderReader,
    kept: dict[str, str],
    *,
    subject: str,
    from_address: str | None,
    options: _Options,
) -> str | None:
    """None for a person's mail, else why a machine sent it; the intake must not answer machines."""
    if _is_loop(kept, from_address, options):
        return "loop"
    if _is_delivery_report(msg) or _local_part(from_address) in _BOUNCE_SENDERS:
        return "bounce"
    auto_submitted = kept.get("Auto-Submitted", "").split(";", 1)[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto_reply"
    if headers.has("X-Autoreply") or headers.has("X-Autorespond"):
        return "auto_reply"
    if headers.has("X-Auto-Response-Suppress") and _AUTO_REPLY_SUBJECT.match(subject):
        return "auto_reply"  # Exchange's out-of-office sets it; so do many ordinary Outlook mails
    precedence = kept.get("Precedence", "").strip().lower()
    if precedence in ("bulk", "junk"):
        return "bulk"
    if precedence == "list":
        return "list"
    if precedence == "auto_reply":
        return "auto_reply"
    if "List-Id" in kept or headers.has("List-Unsubscribe"):
        return "list"
    # Last, because RFC 3834 asks auto-responders to send from the null sender too: alone, it
    # means a non-delivery report from a server that does not say so otherwise.
    if kept.get("Return-Path", "").strip() == "<>":
        return "bounce"
    return None


def _is_loop(kept: dict[str, str], from_address: str | None, options: _Options) -> bool:
    if options.loop_header in kept:
        return True
    if from_address and from_address in options.own_addresses:
        return True
    x_loop = kept.get("X-Loop", "").lower()
    return any(address in x_loop for address in options.own_addresses)


def _is_delivery_report(msg: Message) -> bool:
    if msg.get_content_type() != "multipart/report":
        return False
    report_type = _param(_raw_header(msg, "Content-Type"), "report-type", notes=[], where="Content-Type")
    return (report_type or "").strip().lower() == "delivery-status"


def _local_part(address: str | None) -> str:
    return (address or "").split("@", 1)[0]
