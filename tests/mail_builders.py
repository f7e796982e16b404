"""Raw messages for intake and poller tests, built the way mail programs send them."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import UTC, datetime


def message(*, sender: str, subject: str, body: str, name: str = "", to: str = "helpdesk@desk.example",
            in_reply_to: str | None = None, references: list[str] | None = None, message_id: str | None = None,
            headers: dict[str, str] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    msg["Message-ID"] = f"<{message_id}>" if message_id else make_msgid(domain="client.example")
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if references or in_reply_to:
        msg["References"] = " ".join(f"<{r}>" for r in (references or [in_reply_to]))  # type: ignore[list-item]
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    return msg.as_bytes()


def auto_reply(*, sender: str, in_reply_to: str, subject: str) -> bytes:
    return message(sender=sender, subject=f"Автоматична відповідь: {subject}",
                   body="Я у відпустці до понеділка.", in_reply_to=in_reply_to,
                   headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"})
