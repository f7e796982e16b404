"""Incoming mail: raw RFC 5322 bytes turned into what the help desk needs (pure, no I/O)."""

from helpdesk_tui.mail.parse import (
    Attachment,
    ParsedMail,
    UnparseableMail,
    html_to_text,
    parse_mail,
    strip_quoted_reply,
)

__all__ = ["Attachment", "ParsedMail", "UnparseableMail", "html_to_text", "parse_mail", "strip_quoted_reply"]
