"""Mail as it arrives, turned into what the help desk needs: who wrote, about what, in which
thread, with which files, and whether a person or a machine sent it.

Pure: bytes in, a ParsedMail out; no I/O, database, network or Textual. Mail is untrusted and
often broken, so nothing here raises on bad input except UnparseableMail, when there is nothing
sensible to extract (the caller then quarantines the raw bytes). Whatever had to be repaired
or guessed is written to ParsedMail.defects.

This module is the entry point: it repairs the raw header block, runs the stdlib parser (the
strict one, then the tolerant one) and puts ParsedMail together from what headers.py (header
values), bodies.py (text, HTML and attachments) and machine.py (who sent it) read. html_to_text
(html_text.py) and strip_quoted_reply (replies.py) are re-exported: import everything from here.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.message import Message

from helpdesk_tui.mail.attachments import Attachment
from helpdesk_tui.mail.bodies import _BodyReader
from helpdesk_tui.mail.headers import _first, _HeaderReader, _unique
from helpdesk_tui.mail.html_text import html_to_text
from helpdesk_tui.mail.machine import _classify
from helpdesk_tui.mail.options import _Options
from helpdesk_tui.mail.replies import strip_quoted_reply

__all__ = [
    "Attachment",
    "ParsedMail",
    "UnparseableMail",
    "html_to_text",
    "parse_mail",
    "strip_quoted_reply",
]


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_address: str | None
    from_name: str
    reply_to: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: datetime | None
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    auto: str | None
    headers: dict[str, str]
    defects: tuple[str, ...]
    # A delivery or disposition report's machine-readable parts as text, in the order they came:
    # ("delivery-status" or "disposition", its fields), ("returned-header", the returned header).
    report: tuple[tuple[str, str], ...] = ()


class UnparseableMail(Exception):
    """Nothing sensible could be read from the bytes; the message says why."""


# Headers kept verbatim (decoded) for the intake's later decisions; the loop header is added.
_KEPT_HEADERS = ("Auto-Submitted", "Precedence", "X-Loop", "Return-Path", "List-Id", "X-Auto-Response-Suppress")


def parse_mail(
    raw: bytes,
    *,
    max_attachment_bytes: int = 25 * 1024 * 1024,
    loop_header: str = "X-Helpdesk-Loop",
    own_addresses: frozenset[str] = frozenset(),
) -> ParsedMail:
    """Everything the help desk reads from one raw RFC 5322 message."""
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_mail needs bytes, not {type(raw).__name__}")
    raw = bytes(raw)
    notes: list[str] = []
    raw = _with_repaired_header_block(_without_leading_blank_lines(raw, notes), notes)
    if not raw.strip():
        raise UnparseableMail("the message is empty")
    options = _Options(max_attachment_bytes, loop_header, frozenset(a.strip().lower() for a in own_addresses))
    try:
        return _parse(raw, email_policy.default, options, notes)
    except UnparseableMail:
        raise
    # The strict header parser has raised on malformed headers in past releases; the tolerant
    # compat32 one reads anything.
    except Exception as strict_error:  # noqa: BLE001
        notes.append(
            f"headers too broken for the strict parser ({_describe(strict_error)}); read with the tolerant one"
        )
    try:
        return _parse(raw, email_policy.compat32, options, notes)
    except UnparseableMail:
        raise
    except Exception as error:  # the caller quarantines instead of crashing the intake
        raise UnparseableMail(f"the message could not be read: {_describe(error)}") from error


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def _without_leading_blank_lines(raw: bytes, notes: list[str]) -> bytes:
    """Some gateways prepend a blank line, which would make every header part of the body."""
    stripped = raw.lstrip(b"\r\n")
    if len(stripped) != len(raw) and stripped:
        notes.append("blank lines before the headers were skipped")
    return stripped


_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
# Headers a real header block goes on with after a stray line: never the "Name:" or "Phone:"
# of a contact form that lost its blank line.
_WELL_KNOWN_HEADER = re.compile(
    rb"^(x-[\w-]+|received|return-path|delivered-to|message-id|from|to|cc|subject|date|reply-to|sender|"
    rb"references|in-reply-to|mime-version|content-[\w-]+|dkim-signature|arc-[\w-]+|authentication-results|"
    rb"received-spf|thread-[\w-]+|list-[\w-]+|precedence|auto-submitted|importance|user-agent)[ \t]*:",
    re.IGNORECASE,
)
_BLANK_LINE = re.compile(rb"\n\r?\n|\r\r")
_UNINDENTED_FOLD = re.compile(rb"^[A-Za-z0-9+/=]+\r?\n?$")  # the tail of a long base64 tracking header
_LONGEST_STRAY_RUN = 100
# A body that lost its blank line runs on for more than a few lines before anything that looks
# like a well-known header; headers pasted without their indentation do not.
_LONGEST_LOOSE_RUN = 5


def _with_repaired_header_block(raw: bytes, notes: list[str]) -> bytes:
    """Stray lines inside the header block turned into continuation lines.

    A header folded without its leading space (a long X-Brightmail-Tracker), a line of junk
    before the first header, a "---- Original email message ----" on top: the strict reading
    ends the headers there and loses From and Subject in the body. Only stray lines followed by a
    well-known header are repaired, and only a few of them unless they are unbroken base64.
    """
    blank_line = _BLANK_LINE.search(raw)
    head_end = blank_line.start() + 1 if blank_line else len(raw)
    lines = raw[:head_end].splitlines(keepends=True)
    repaired = list(lines)
    i = 1 if lines and lines[0].startswith(b"From ") else 0  # an mbox separator line
    changed = False
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            break  # the real end of the header block
        if _HEADER_LINE.match(line) or line[:1] in (b" ", b"\t"):
            i += 1
            continue
        run_end = _end_of_stray_run(lines, i)
        if run_end is None:
            break  # the body starts here, without the blank line: the parser copes with that
        for j in range(i, run_end):
            repaired[j] = b" " + lines[j]
        changed = True
        i = run_end
    if not changed:
        return raw
    notes.append("stray lines inside the header block were read as continuation lines")
    return b"".join(repaired) + raw[head_end:]


def _end_of_stray_run(lines: list[bytes], start: int) -> int | None:
    """Index of the well-known header that ends a repairable run of stray lines, else None."""
    end = start
    while end < len(lines) and lines[end].strip() and not _HEADER_LINE.match(lines[end]):
        end += 1
        if end - start > _LONGEST_STRAY_RUN:
            return None
    if end >= len(lines) or not _WELL_KNOWN_HEADER.match(lines[end]):
        return None
    if end - start > _LONGEST_LOOSE_RUN and not all(_UNINDENTED_FOLD.match(line) for line in lines[start:end]):
        return None
    return end


def _parse(raw: bytes, policy: email_policy.Policy, options: _Options, notes: list[str]) -> ParsedMail:
    msg = email.message_from_bytes(raw, policy=policy)
    if not msg.keys():
        raise UnparseableMail("no header lines found: this is not an e-mail message")
    notes = list(notes)
    body = _BodyReader(options, notes)
    content = body.read(msg)
    headers = _HeaderReader(msg, body.hints(), notes)
    from_name, from_address = headers.sender()
    subject = headers.text("Subject") or ""
    kept = headers.kept((*_KEPT_HEADERS, options.loop_header))
    auto = _classify(msg, headers, kept, subject=subject, from_address=from_address, options=options)
    return ParsedMail(
        message_id=headers.message_id(),
        in_reply_to=_first(headers.message_ids("In-Reply-To")),
        references=tuple(_unique(headers.message_ids("References"))),
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        reply_to=_first(headers.addresses("Reply-To")),
        to=tuple(headers.addresses("To")),
        cc=tuple(headers.addresses("Cc")),
        date=headers.date(),
        text=content.readable(),
        html=content.html,
        attachments=tuple(body.attachments),
        auto=auto,
        headers=kept,
        defects=tuple(_unique([*notes, *_parser_defects(msg)])),
        report=tuple(body.report),
    )


# --- what the parser itself noticed -------------------------------------------------------------------

_DEFECT_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _parser_defects(msg: Message) -> list[str]:
    """What the stdlib parser noticed (a missing boundary …), in words, named like our own notes."""
    notes = []
    for where, part in _parts_by_path(msg, "body"):
        for defect in getattr(part, "defects", []):
            words = _DEFECT_WORDS.sub(" ", type(defect).__name__.removesuffix("Defect")).lower()
            notes.append(f"{where} ({part.get_content_type()}): {words}")
    return notes


def _parts_by_path(part: Message, where: str) -> Iterator[tuple[str, Message]]:
    yield where, part
    if part.is_multipart():
        for i, child in enumerate(part.get_payload(), 1):
            if isinstance(child, Message):
                yield from _parts_by_path(child, f"{where}.{i}")
