"""Mail as it arrives, turned into what the help desk needs: who wrote, about what, in which
thread, with which files, and whether a person or a machine sent it.

Pure: bytes in, a ParsedMail out; no I/O, database, network or Textual. Mail is untrusted and
often broken, so nothing here raises on bad input except UnparseableMail, when there is nothing
sensible to extract (the caller then quarantines the raw bytes). Whatever had to be repaired
or guessed is written to ParsedMail.defects.
"""

from __future__ import annotations

import binascii
import email
import email.message
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy as email_policy
from email.message import Message
from html.parser import HTMLParser

from helpdesk_tui.mail.charsets import decode_declared

__all__ = [
    "Attachment",
    "ParsedMail",
    "UnparseableMail",
    "html_to_text",
    "parse_mail",
    "strip_quoted_reply",
]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    inline: bool
    content_id: str | None
    data: bytes | None
    truncated: bool


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


class UnparseableMail(Exception):
    """Nothing sensible could be read from the bytes; the message says why."""


@dataclass(frozen=True)
class _Options:
    max_attachment_bytes: int
    loop_header: str
    own_addresses: frozenset[str]


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
    )


def _first(items: list[str]) -> str | None:
    return items[0] if items else None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- headers ----------------------------------------------------------------------------------------

_FOLD = re.compile(rb"(?:\r\n|\r|\n)(?=[ \t])")
_LINE_BREAK = re.compile(rb"[\r\n]+")
# Encoded text has no "?" (RFC 2047), but broken mailers put spaces in it: allowed here.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_ENCODED_WORD_RUN = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?]*\?=(?:\s*=\?[^?\s]+\?[bBqQ]\?[^?]*\?=)*")
_ANGLE_ID = re.compile(r"<([^<>]*)>")
_BARE_ID = re.compile(r"[^\s<>,;()\"]+@[^\s<>,;()\"]+")
_BARE_ADDRESS = re.compile(r"[^\s<>,;()\"\[\]]+@[^\s<>,;()\"\[\]]+")
_MAILBOX_WORD = re.compile(r"[A-Za-z0-9._+-]+")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


class _HeaderReader:
    """Header values straight from the raw bytes, decoded by our own tolerant rules.

    The raw values are read rather than policy.default's header objects because those replace
    undeclared 8-bit bytes with U+FFFD and follow a wrong charset label blindly; here both are
    guessed (with the body's charset as a hint, as senders that omit one use the same for all).
    """

    def __init__(self, msg: Message, hints: tuple[str, ...], notes: list[str]) -> None:
        self._items = [(name.strip().lower(), _to_bytes(value)) for name, value in msg.raw_items()]
        self._hints = hints
        self._notes = notes

    def has(self, name: str) -> bool:
        wanted = name.lower()
        return any(key == wanted for key, _ in self._items)

    def raw_values(self, name: str) -> list[bytes]:
        wanted = name.lower()
        return [_unfold(value) for key, value in self._items if key == wanted]

    def text(self, name: str) -> str | None:
        values = self.raw_values(name)
        if not values:
            return None
        return _decode_header_value(values[0], hints=self._hints, notes=self._notes, where=name).strip(" \t")

    def kept(self, names: tuple[str, ...]) -> dict[str, str]:
        kept: dict[str, str] = {}
        for name in names:
            value = self.text(name)
            if value is not None and name not in kept:
                kept[name] = value
        return kept

    def sender(self) -> tuple[str, str | None]:
        """(display name, address) of the author: the first From that names a mailbox (some spam
        has two); without one, Sender or Reply-To, where an answer would go anyway."""
        for header in ("From", "Sender", "Reply-To"):
            candidates = [pair for value in self.raw_values(header) for pair in self._mailboxes(value, header)]
            chosen = next((pair for pair in candidates if "@" in pair[1]), candidates[0] if candidates else None)
            if chosen is None:
                continue
            if header != "From":
                self._notes.append(f"no usable From; the sender is taken from {header}")
            return chosen
        return "", None

    def addresses(self, name: str) -> list[str]:
        return _unique([address for value in self.raw_values(name) for _, address in self._mailboxes(value, name)])

    def _mailboxes(self, raw: bytes, where: str) -> list[tuple[str, str]]:
        text = _decode_8bit(raw, self._hints, self._notes, where)
        pairs = []
        for name, address in _split_addresses(text):
            name = _decode_encoded_words(name, hints=self._hints, notes=self._notes, where=where).strip()
            address = _clean_address(address)
            if address:
                pairs.append((name, address))
        return pairs

    def message_ids(self, name: str) -> list[str]:
        values = self.raw_values(name)
        if not values:
            return []
        text = _decode_8bit(values[0], self._hints, self._notes, name)
        ids = [re.sub(r"\s+", "", found) for found in _ANGLE_ID.findall(text)]
        if not ids:
            ids = _BARE_ID.findall(text)  # some mailers leave out the angle brackets
        return [found for found in ids if found]

    def message_id(self) -> str | None:
        return _first(self.message_ids("Message-ID"))

    def date(self) -> datetime | None:
        value = self.text("Date")
        if value is None:
            return None
        parsed = _parse_date(value)
        if parsed is None:
            self._notes.append(f"Date: {value[:60]!r} is not a date; left empty")
        return parsed


def _to_bytes(value: object) -> bytes:
    # The bytes parser keeps 8-bit header bytes as lone surrogates; this gets them back.
    return str(value).encode("utf-8", "surrogateescape")


def _unfold(value: bytes) -> bytes:
    return _LINE_BREAK.sub(b"", _FOLD.sub(b"", value))


def _decode_header_value(
    raw: bytes, *, hints: tuple[str, ...] = (), notes: list[str] | None = None, where: str = "header"
) -> str:
    """An unstructured header (Subject and the like) as text: raw 8-bit and RFC 2047 both decoded."""
    notes = notes if notes is not None else []
    return _decode_encoded_words(_decode_8bit(_unfold(raw), hints, notes, where), hints=hints, notes=notes, where=where)


def _decode_8bit(raw: bytes, hints: tuple[str, ...], notes: list[str], where: str) -> str:
    """Raw 8-bit bytes in a header (against RFC 5322, common in practice) decoded by a guess."""
    if raw.isascii():
        return raw.decode("ascii")
    decoded = decode_declared(raw, None, hints=hints)
    if decoded.charset != "utf-8":  # UTF-8 in headers is allowed (RFC 6532): nothing to report
        notes.append(f"{where}: raw 8-bit bytes decoded as {decoded.charset} (guessed)")
    return decoded.text


def _decode_encoded_words(
    text: str, *, hints: tuple[str, ...] = (), notes: list[str] | None = None, where: str = "header"
) -> str:
    """`text` with its RFC 2047 encoded-words decoded, in any charset, B or Q, however split.

    Adjacent encoded-words in one charset are joined before decoding: mailers split them in the
    middle of multi-byte characters. Whitespace between encoded-words is dropped, as RFC 2047 says.
    """
    notes = notes if notes is not None else []
    if "=?" not in text:
        return text
    pieces: list[str | tuple[str, bytes]] = []
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        if between and not (between.isspace() and pieces and isinstance(pieces[-1], tuple)):
            pieces.append(between)
        label = match.group(1).split("*", 1)[0]  # RFC 2231 adds *language to the charset
        data = _decode_b(match.group(3), notes, where) if match.group(2) in "bB" else _decode_q(match.group(3))
        if pieces and isinstance(pieces[-1], tuple) and pieces[-1][0].lower() == label.lower():
            pieces[-1] = (label, pieces[-1][1] + data)
        else:
            pieces.append((label, data))
        position = match.end()
    pieces.append(text[position:])
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        decoded = decode_declared(piece[1], piece[0], hints=hints)
        if decoded.note:
            notes.append(f"{where}: {decoded.note}")
        out.append(decoded.text)
    return "".join(out)


def _decode_b(encoded: str, notes: list[str], where: str) -> bytes:
    compact = re.sub(r"[^A-Za-z0-9+/]", "", encoded)
    if len(compact) % 4 == 1:
        compact = compact[:-1]  # a stray character cannot encode anything
    padded = compact + "=" * (-len(compact) % 4)
    if padded != encoded.strip():
        notes.append(f"{where}: malformed base64 in an encoded-word repaired")
    try:
        return binascii.a2b_base64(padded)
    except binascii.Error:
        notes.append(f"{where}: undecodable base64 in an encoded-word kept as is")
        return encoded.encode("ascii", "replace")


def _decode_q(encoded: str) -> bytes:
    raw = encoded.replace("_", " ").encode("utf-8", "surrogateescape")
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def _split_addresses(text: str) -> list[tuple[str, str]]:
    """(display name, address) pairs from an address list, however carelessly written.

    email.utils.getaddresses is the forgiving parser (policy.default's loses comment names and
    misreads a trailing dot in a domain). Encoded-words are swapped for placeholders first, so
    that a comma or a quote inside one cannot split the list.
    """
    words: list[str] = []

    def hide(match: re.Match[str]) -> str:
        words.append(match.group())
        return f"\ue000{len(words) - 1}\ue001"

    def show(value: str) -> str:
        return _PLACEHOLDER.sub(lambda m: words[int(m.group(1))], value)

    hidden = _ENCODED_WORD_RUN.sub(hide, text)
    pairs = [(show(name), show(address)) for name, address in _getaddresses(hidden)]
    return [_rescue_bare_address(name, address) for name, address in pairs]


def _getaddresses(text: str) -> list[tuple[str, str]]:
    # Newer patch releases parse strictly by default and return nothing for a sloppy list.
    try:
        return email.utils.getaddresses([text], strict=False)  # type: ignore[call-arg]
    except TypeError:
        return email.utils.getaddresses([text])


def _rescue_bare_address(name: str, address: str) -> tuple[str, str]:
    """`Test test@example.com`, a name and an address without angle brackets, split apart."""
    if name or not re.search(r"\s", address.strip()):
        return name, address
    found = _BARE_ADDRESS.findall(address)
    if len(found) != 1:
        return name, address
    rest = address.replace(found[0], " ").strip()
    return rest, found[0]


def _clean_address(address: str) -> str:
    """The address lower-cased, or "" for a null or garbage one (`<>`, `[??????]`)."""
    address = address.strip().strip("<>").strip()
    if not address:
        return ""
    if "@" not in address and not _MAILBOX_WORD.fullmatch(address):
        return ""
    return address.lower()


def _parse_date(value: str) -> datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # "-0000" and zoneless dates: UTC is the only sane reading
    return parsed


# --- MIME parameters --------------------------------------------------------------------------------


def _param(
    raw_value: bytes | None, name: str, *, hints: tuple[str, ...] = (), notes: list[str], where: str
) -> str | None:
    """One parameter of a Content-Type or Content-Disposition value, fully decoded.

    RFC 2231 (`filename*=UTF-8''%D0%9F…`, continuations) is read by the forgiving compat32
    parameter parser; RFC 2047 inside quotes (Outlook's habit) and raw 8-bit bytes by ours.
    """
    if raw_value is None:
        return None
    probe = email.message.Message()  # compat32: a plain, forgiving parameter parser
    probe["Content-Type"] = _decode_8bit(raw_value, hints, notes, where)
    try:
        value = probe.get_param(name, header="content-type")
    except Exception:  # noqa: BLE001 - a parameter we cannot read is a parameter we do not have
        notes.append(f"{where}: unreadable {name} parameter ignored")
        return None
    if value is None:
        return None
    if isinstance(value, tuple):
        return _rfc2231_value(value, hints=hints, notes=notes, where=where)
    return _decode_encoded_words(str(value), hints=hints, notes=notes, where=where)


def _rfc2231_value(
    value: tuple[str | None, str | None, str], *, hints: tuple[str, ...], notes: list[str], where: str
) -> str:
    charset, _language, text = value
    try:
        data = text.encode("latin-1")  # the parser percent-decoded to one character per byte
    except UnicodeEncodeError:
        return text
    decoded = decode_declared(data, charset, hints=hints)
    if decoded.note:
        notes.append(f"{where}: {decoded.note}")
    return decoded.text


# --- body and attachments ---------------------------------------------------------------------------


@dataclass
class _Content:
    """What a MIME subtree contributes to the readable body."""

    plain: str | None = None
    html: str | None = None

    def has_plain(self) -> bool:
        return bool(self.plain and self.plain.strip())

    def is_empty(self) -> bool:
        return self.plain is None and self.html is None

    def readable(self) -> str:
        if self.has_plain():
            return self.plain or ""
        if self.html is not None:
            return html_to_text(self.html)
        return self.plain or ""


_BODY_TYPES = ("text/plain", "text/html")
# Real mail nests a few levels; hundreds are a MIME bomb, which must not exhaust the stack.
_DEEPEST_NESTING = 40
_UUENCODED = re.compile(
    r"^begin [0-7]{3,4} (?P<name>[^\n]+?)[ \t]*\n(?P<lines>.*?)^end[ \t]*$\n?", re.MULTILINE | re.DOTALL
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)


@dataclass
class _BodyReader:
    """Walks the MIME tree once: the readable text, the HTML, and every other part as a file."""

    options: _Options
    notes: list[str]
    attachments: list[Attachment] = field(default_factory=list)
    charsets_read: list[str] = field(default_factory=list)
    charsets_declared: tuple[str, ...] = ()

    def read(self, msg: Message) -> _Content:
        self.charsets_declared = _declared_charsets(msg)
        return self._content_of(msg, "body", related_root=True)

    def hints(self) -> tuple[str, ...]:
        """Charsets this message is known to use, best evidence first, for text that declares none."""
        read = [charset for charset in self.charsets_read if charset != "ascii"]
        return tuple(dict.fromkeys([*read, *self.charsets_declared]))

    def _content_of(
        self, part: Message, where: str, *, in_related: bool = False, related_root: bool = False
    ) -> _Content:
        content_type = part.get_content_type()
        if part.is_multipart():
            if where.count(".") >= _DEEPEST_NESTING:
                self.notes.append(f"{where}: nested deeper than {_DEEPEST_NESTING} levels; not read further")
                return _Content()
            if content_type.startswith("message/"):
                self._attach(part, content_type, where, in_related)
                return _Content()
            return self._multipart(part, content_type, where)
        if content_type.startswith("multipart/"):
            self.notes.append(f"{where}: {content_type} without parts (boundary missing?); read as plain text")
            return self._text(part, "text/plain", where)
        if content_type in _BODY_TYPES and (related_root or not in_related) and self._is_inline_text(part, where):
            return self._text(part, content_type, where)
        self._attach(part, content_type, where, in_related)
        return _Content()

    def _multipart(self, part: Message, content_type: str, where: str) -> _Content:
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        subtype = content_type.split("/", 1)[1]
        if subtype == "alternative":
            return self._alternative(children, where)
        if subtype == "related":
            return self._related(part, children, where)
        if subtype == "encrypted":
            self.notes.append(f"{where}: encrypted message; its text cannot be read here")
        contents = [self._content_of(child, f"{where}.{i}") for i, child in enumerate(children, 1)]
        return _combined(contents)

    def _alternative(self, children: list[Message], where: str) -> _Content:
        contents = [self._content_of(child, f"{where}.{i}") for i, child in enumerate(children, 1)]
        plains = [c.plain for c in contents if c.plain is not None]
        htmls = [c.html for c in contents if c.html is not None]
        plain = next((p for p in plains if p.strip()), plains[0] if plains else None)
        return _Content(plain=plain, html=htmls[-1] if htmls else None)  # the last is the richest (RFC 2046)

    def _related(self, part: Message, children: list[Message], where: str) -> _Content:
        if not children:
            return _Content()
        root_index = self._related_root_index(part, children, where)
        content = _Content()
        for i, child in enumerate(children):
            is_root = i == root_index
            found = self._content_of(child, f"{where}.{i + 1}", in_related=not is_root, related_root=is_root)
            if is_root:
                content = found
        return content

    def _related_root_index(self, part: Message, children: list[Message], where: str) -> int:
        start = _param(_raw_header(part, "Content-Type"), "start", notes=self.notes, where=where)
        if start:
            wanted = start.strip().strip("<>")
            for i, child in enumerate(children):
                if _content_id(child) == wanted:
                    return i
        return 0

    def _is_inline_text(self, part: Message, where: str) -> bool:
        disposition = _disposition(part)
        if disposition == "attachment":
            return False
        return self._filename_param(part, where) is None

    def _text(self, part: Message, content_type: str, where: str) -> _Content:
        data = self._payload(part, where)
        label = self._charset_label(part, content_type, data, where)
        decoded = decode_declared(data, label, hints=self.hints())
        if decoded.note:
            self.notes.append(f"{where} ({content_type}): {decoded.note}")
        self.charsets_read.append(decoded.charset)
        if content_type == "text/html":
            return _Content(html=decoded.text)
        text = _normalise_newlines(decoded.text)
        raw_type = _raw_header(part, "Content-Type")
        if (_param(raw_type, "format", notes=self.notes, where=where) or "").lower() == "flowed":
            delsp = (_param(raw_type, "delsp", notes=self.notes, where=where) or "").lower() == "yes"
            text = _unflow(text, delsp=delsp)
        return _Content(plain=self._without_uuencoded_files(text, where))

    def _charset_label(self, part: Message, content_type: str, data: bytes, where: str) -> str | None:
        label = _param(_raw_header(part, "Content-Type"), "charset", notes=self.notes, where=where)
        if label is None and content_type == "text/html":
            found = _META_CHARSET.search(data[:4096])
            if found:
                return found.group(1).decode("ascii")
        return label

    def _payload(self, part: Message, where: str) -> bytes:
        encoding = _transfer_encoding(part)
        if encoding in _UUENCODE_NAMES:
            return self._uuencoded_payload(part, where)
        if encoding == "base64" and not part.is_multipart():
            return self._base64_payload(part, where)
        data = part.get_payload(decode=True)
        if data is None:
            return b""
        if isinstance(data, str):  # not expected from the bytes parser, but keep the promise of bytes
            data = data.encode("utf-8", "surrogateescape")
        return data

    def _base64_payload(self, part: Message, where: str) -> bytes:
        """Base64 decoded as far as it goes: the stdlib hands back the undecoded text when it fails."""
        raw = part.get_payload(decode=False)
        encoded = (raw if isinstance(raw, str) else "").encode("ascii", "ignore")
        data, repaired = _decode_base64_tolerantly(encoded)
        if repaired:
            self.notes.append(f"{where}: damaged base64 decoded as far as it goes")
        return data

    def _uuencoded_payload(self, part: Message, where: str) -> bytes:
        """x-uuencode parts; the stdlib gives up on those without a "begin" line (Eudora's)."""
        raw = part.get_payload(decode=False)
        text = raw if isinstance(raw, str) else ""
        text = _normalise_newlines(text.encode("utf-8", "surrogateescape").decode("latin-1"))
        found = _UUENCODED.search(text)
        data = _uudecode(found.group("lines") if found else text)
        if data is None:
            self.notes.append(f"{where}: undecodable x-uuencode content kept as it was")
            return text.encode("latin-1")
        return data

    def _without_uuencoded_files(self, text: str, where: str) -> str:
        """Files uuencoded into the text (old Unix mailers, Oracle reports) become attachments."""

        def extract(match: re.Match[str]) -> str:
            data = _uudecode(match.group("lines"))
            if data is None:
                self.notes.append(f"{where}: uuencoded {match.group('name')!r} could not be decoded; left in the text")
                return match.group()
            filename = _safe_filename(match.group("name"))
            self._add_attachment(filename, _type_for_filename(filename), data, inline=False, content_id=None)
            self.notes.append(f"{where}: uuencoded file {filename!r} taken out of the text as an attachment")
            return ""

        if "begin " not in text:
            return text
        return _UUENCODED.sub(extract, text)

    def _attach(self, part: Message, content_type: str, where: str, in_related: bool) -> None:
        if content_type in ("application/pkcs7-mime", "application/x-pkcs7-mime") and where == "body":
            self.notes.append("body: S/MIME encrypted or signed-only message; its text cannot be read here")
        if part.is_multipart():
            data = _container_body(part)
        else:
            data = self._payload(part, where)
        content_id = _content_id(part)
        inline = _disposition(part) == "inline" or (
            content_id is not None and in_related and content_type.startswith("image/")
        )
        filename = self._filename(part, content_type, where)
        self._add_attachment(filename, content_type, data, inline=inline, content_id=content_id)

    def _add_attachment(
        self, filename: str | None, content_type: str, data: bytes, *, inline: bool, content_id: str | None
    ) -> None:
        number = len(self.attachments) + 1
        name = filename or f"attachment-{number}.{_extension_for(content_type)}"
        truncated = len(data) > self.options.max_attachment_bytes
        self.attachments.append(
            Attachment(
                filename=name,
                content_type=content_type,
                size=len(data),
                inline=inline,
                content_id=content_id,
                data=None if truncated else data,
                truncated=truncated,
            )
        )

    def _filename(self, part: Message, content_type: str, where: str) -> str | None:
        name = self._filename_param(part, where)
        if name is None and content_type == "message/rfc822":
            inner = part.get_payload(0) if part.is_multipart() else None
            if isinstance(inner, Message):
                subject = _HeaderReader(inner, self.hints(), notes=[]).text("Subject")
                name = f"{subject}.eml" if subject else None
        if name is None:
            return None
        safe = _safe_filename(name)
        if safe != name:
            self.notes.append(f"{where}: file name {name[:80]!r} made safe as {safe!r}")
        return safe or None

    def _filename_param(self, part: Message, where: str) -> str | None:
        for header, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
            value = _param(_raw_header(part, header), param, hints=self.hints(), notes=self.notes, where=where)
            if value and value.strip():
                return value.strip()
        return None


def _declared_charsets(msg: Message) -> tuple[str, ...]:
    """Every charset the message names: in Content-Type parameters, then in encoded-words."""
    found = []
    for part in msg.walk():
        label = _param(_raw_header(part, "Content-Type"), "charset", notes=[], where="charset")
        if label:
            found.append(label)
    for _, value in msg.raw_items():
        found.extend(match.group(1).split("*", 1)[0] for match in _ENCODED_WORD.finditer(str(value)))
    labels = (label.strip().lower() for label in found)
    return tuple(dict.fromkeys(label for label in labels if label not in ("us-ascii", "ascii", "")))


def _combined(contents: list[_Content]) -> _Content:
    """Body parts one after another (multipart/mixed): text from each, HTML converted where needed."""
    present = [c for c in contents if not c.is_empty()]
    if not present:
        return _Content()
    if len(present) == 1:
        return present[0]
    plain = None
    if any(c.has_plain() for c in present):
        plain = "\n\n".join(text for text in (c.readable().strip("\n") for c in present) if text.strip())
    htmls = [c.html for c in present if c.html is not None]
    return _Content(plain=plain, html="\n".join(htmls) if htmls else None)


def _raw_header(part: Message, name: str) -> bytes | None:
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.strip().lower() == wanted:
            return _unfold(_to_bytes(value))
    return None


def _disposition(part: Message) -> str | None:
    raw = _raw_header(part, "Content-Disposition")
    if raw is None:
        return None
    first = raw.split(b";", 1)[0].strip().lower()
    return first.decode("ascii", "replace") or None


_UUENCODE_NAMES = frozenset({"x-uuencode", "uuencode", "uue", "x-uue"})


def _decode_base64_tolerantly(encoded: bytes) -> tuple[bytes, bool]:
    """(data, whether anything had to be repaired); junk is skipped, padding fixed.

    Padding inside the text ends a block: some mailers concatenate separately encoded pieces.
    """
    compact = re.sub(rb"[\s]", b"", encoded)
    cleaned = re.sub(rb"[^A-Za-z0-9+/=]", b"", compact)
    repaired = cleaned != compact
    out = bytearray()
    for block in re.findall(rb"[A-Za-z0-9+/]+=*", cleaned):
        digits = block.rstrip(b"=")
        if len(digits) % 4 == 1:
            digits = digits[:-1]  # one lone character cannot carry a byte
            repaired = True
        padded = digits + b"=" * (-len(digits) % 4)
        if padded != block:
            repaired = True
        out += binascii.a2b_base64(padded)
    return bytes(out), repaired


def _transfer_encoding(part: Message) -> str:
    raw = _raw_header(part, "Content-Transfer-Encoding") or b""
    return raw.decode("ascii", "replace").strip().lower()


def _content_id(part: Message) -> str | None:
    raw = _raw_header(part, "Content-ID")
    if raw is None:
        return None
    value = raw.decode("ascii", "replace").strip().strip("<>").strip()
    return value or None


def _container_body(part: Message) -> bytes:
    """The bytes of an attached message (message/rfc822, delivery-status …) without the part's own headers."""
    try:
        whole = part.as_bytes(policy=email_policy.compat32)
    except Exception:  # noqa: BLE001 - the generator chokes on some broken nested headers
        try:
            whole = part.as_string(policy=email_policy.compat32).encode("utf-8", "surrogateescape")
        except Exception:  # noqa: BLE001 - nor does it survive every MIME bomb: an empty file then
            return b""
    _, separator, body = whole.partition(b"\n\n")
    return body if separator else whole


_UNSAFE_IN_FILENAME = re.compile(r"[\x00-\x1f\x7f]")


def _safe_filename(name: str) -> str:
    """The last path component, without control characters: some mailers send C:\\Users\\…\\x.doc."""
    name = _UNSAFE_IN_FILENAME.sub("", name)
    name = re.split(r"[\\/]", name)[-1].strip()
    return "" if name in ("", ".", "..") else name


# No mimetypes: it reads /etc/mime.types at first use, and this module does no I/O.
_EXTENSIONS = {
    "text/plain": "txt",
    "text/html": "html",
    "text/calendar": "ics",
    "text/csv": "csv",
    "text/rfc822-headers": "txt",
    "text/x-vcard": "vcf",
    "text/vcard": "vcf",
    "message/rfc822": "eml",
    "message/delivery-status": "txt",
    "message/disposition-notification": "txt",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/tiff": "tif",
    "image/svg+xml": "svg",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/pkcs7-signature": "p7s",
    "application/x-pkcs7-signature": "p7s",
    "application/pkcs7-mime": "p7m",
    "application/x-pkcs7-mime": "p7m",
    "application/pgp-signature": "asc",
    "application/pgp-encrypted": "asc",
    "application/ms-tnef": "dat",
    "application/json": "json",
    "application/xml": "xml",
}
_FILENAME_TYPES = {extension: content_type for content_type, extension in _EXTENSIONS.items()}
_FILENAME_TYPES.update({"jpeg": "image/jpeg", "txt": "text/plain", "htm": "text/html"})


def _extension_for(content_type: str) -> str:
    if content_type in _EXTENSIONS:
        return _EXTENSIONS[content_type]
    subtype = content_type.split("/", 1)[-1].split("+", 1)[0]
    if re.fullmatch(r"[a-z0-9]{1,8}", subtype):
        return subtype
    return "bin"


def _type_for_filename(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return _FILENAME_TYPES.get(extension, "application/octet-stream")


def _uudecode(lines: str) -> bytes | None:
    out = bytearray()
    for line in lines.splitlines():
        if not line.strip() or line.strip() == "`":
            continue
        try:
            encoded = line.encode("ascii")
        except UnicodeEncodeError:
            return None
        try:
            out += binascii.a2b_uu(encoded)
        except binascii.Error:
            # Broken encoders pad lines wrongly; the length character says how much is real.
            length = (((encoded[0] - 32) & 63) * 4 + 5) // 3
            try:
                out += binascii.a2b_uu(encoded[:length])
            except binascii.Error:
                return None
    return bytes(out)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: soft line breaks (a trailing space) joined back into paragraphs."""
    out: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0

    def finish() -> None:
        if paragraph:
            out.append(_quote_prefix(paragraph_depth) + "".join(paragraph))
            paragraph.clear()

    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content.removeprefix(" ")  # space-stuffing
        if paragraph and depth != paragraph_depth:
            finish()
        paragraph_depth = depth
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        paragraph.append(content)
        if not flowed:
            finish()
    finish()
    return "\n".join(out)


def _quote_prefix(depth: int) -> str:
    return ">" * depth + " " if depth else ""


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


# --- machine mail (RFC 3834 and common practice) -----------------------------------------------------

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


# --- HTML to readable text -----------------------------------------------------------------------------

_SKIPPED_ELEMENTS = frozenset({"script", "style", "head", "title", "template", "noscript", "object", "svg"})
_PARAGRAPH_ELEMENTS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "hr"}
)
_LINE_ELEMENTS = frozenset(
    {
        "div", "section", "article", "header", "footer", "address", "form", "fieldset", "center", "nav",
        "aside", "main", "figure", "figcaption", "details", "summary", "tr", "li", "dt", "dd", "caption",
    }
)  # fmt: skip
_IGNORED_LINK_TARGETS = ("#", "javascript:", "cid:", "data:")
_WHITESPACE = re.compile(r"\s+")


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML mail body: structure kept as lines, lists and quotes marked."""
    converter = _HtmlToText()
    try:
        converter.feed(html)
        converter.close()
    except Exception:  # noqa: BLE001, S110 - html.parser is lenient, but a broken mail must not break intake
        pass
    return converter.result()


class _HtmlToText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[tuple[int, str, str, bool]] = []  # (quote depth, indent, text, preformatted)
        self._line: list[str] = []
        self._line_depth = 0
        self._line_indent = ""
        self._line_pre = False
        self._next_indent = ""  # of the next line to start: nested list items
        self._pending_breaks = 0
        self._quote_depth = 0
        self._pre_depth = 0
        self._skipping: dict[str, int] = {}
        self._lists: list[list[int | str]] = []  # [kind, counter]
        self._links: list[tuple[str, list[str]]] = []
        self._row_has_text = False

    # parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            for unclosed in ("head", "title"):  # a missing </head> must not hide the whole mail
                self._skipping.pop(unclosed, None)
        if tag in _SKIPPED_ELEMENTS:
            self._skipping[tag] = self._skipping.get(tag, 0) + 1
            return
        if self._skipping:
            return
        attributes = {name: value or "" for name, value in attrs}
        self._block_boundary(tag)
        if tag == "br":
            self._hard_break()
        elif tag == "blockquote":
            self._quote_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        elif tag in ("ul", "ol"):
            self._lists.append([tag, 0])
        elif tag == "li":
            self._write(self._list_marker())
        elif tag == "tr":
            self._row_has_text = False
        elif tag in ("td", "th"):
            if self._row_has_text:
                self._write(" | ")  # only between cells with text: layout tables have many empty ones
        elif tag == "a":
            self._links.append((attributes.get("href", "").strip(), []))
        elif tag == "img":
            alt = attributes.get("alt", "").strip()
            if alt:
                self._write(f"[{alt}]")
        elif tag == "hr":
            self._write("---")
            self._soft_break(2)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_ELEMENTS:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_ELEMENTS:
            if self._skipping.get(tag):
                self._skipping[tag] -= 1
                if not self._skipping[tag]:
                    del self._skipping[tag]
            return
        if self._skipping:
            return
        if tag == "a" and self._links:
            self._close_link()
        elif tag == "blockquote" and self._quote_depth:
            self._soft_break(2)
            self._quote_depth -= 1
        elif tag == "pre" and self._pre_depth:
            self._pre_depth -= 1
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        self._block_boundary(tag)

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._pre_depth:
            lines = data.replace("\r\n", "\n").split("\n")
            for i, line in enumerate(lines):
                if i:
                    self._hard_break()
                self._write(line, pre=True)
            return
        text = _WHITESPACE.sub(" ", data)
        if text.strip():
            self._row_has_text = True
        elif not self._line:
            return  # whitespace between blocks is not content
        self._write(text)

    # structure

    def _block_boundary(self, tag: str) -> None:
        """Where a block starts or ends: a new line, or a blank one around paragraphs.

        A list nested in a list item gets no blank line: it belongs to that item.
        """
        if tag in _PARAGRAPH_ELEMENTS and not (tag in ("ul", "ol") and self._lists):
            self._soft_break(2)
        elif tag in _LINE_ELEMENTS or tag in ("ul", "ol"):
            self._soft_break(1)

    def _list_marker(self) -> str:
        if not self._lists:
            return "- "
        current = self._lists[-1]
        self._next_indent = "  " * (len(self._lists) - 1)
        if current[0] == "ol":
            current[1] = int(current[1]) + 1
            return f"{current[1]}. "
        return "- "

    def _close_link(self) -> None:
        href, pieces = self._links.pop()
        label = _WHITESPACE.sub(" ", "".join(pieces)).strip()
        if not href or href.lower().startswith(_IGNORED_LINK_TARGETS):
            return
        if not label:
            self._write(href)
        elif _comparable_url(label) != _comparable_url(href):
            self._write(f" ({href})")

    # output

    def _write(self, text: str, *, pre: bool = False) -> None:
        if not text:
            return
        if self._pending_breaks:
            self._apply_breaks()
        if not self._line:
            if not pre:
                text = text.lstrip(" ")
                if not text:
                    return
            self._line_depth = self._quote_depth
            self._line_indent, self._next_indent = self._next_indent, ""
            self._line_pre = pre
        self._line_pre = self._line_pre or pre
        self._line.append(text)
        for _, pieces in self._links:
            pieces.append(text)

    def _hard_break(self) -> None:
        if self._pending_breaks:
            self._apply_breaks()
        if self._line:
            self._finish_line()
        else:
            self._lines.append((self._quote_depth, "", "", False))

    def _soft_break(self, count: int) -> None:
        self._pending_breaks = max(self._pending_breaks, count)

    def _apply_breaks(self) -> None:
        wanted = self._pending_breaks
        self._pending_breaks = 0
        if not self._lines and not self._line:
            return  # nothing written yet: no leading blank lines
        if self._line:
            self._finish_line()
        blank = 0
        for _, _, text, _ in reversed(self._lines):
            if text.strip():
                break
            blank += 1
        for _ in range(wanted - 1 - blank):
            self._lines.append((self._quote_depth, "", "", False))

    def _finish_line(self) -> None:
        self._lines.append((self._line_depth, self._line_indent, "".join(self._line), self._line_pre))
        self._line = []
        self._line_pre = False

    def result(self) -> str:
        if self._line:
            self._finish_line()
        out: list[str] = []
        for depth, indent, text, pre in self._lines:
            text = text.rstrip() if pre else indent + re.sub(r" {2,}", " ", text).strip()
            line = ("> " * depth + text).rstrip()
            if not line.strip(">").strip() and out and not out[-1].strip(">").strip():
                continue  # one blank line is enough
            out.append(line)
        return "\n".join(out).strip("\n")


def _comparable_url(url: str) -> str:
    url = url.strip().lower()
    for prefix in ("mailto:", "https://", "http://"):
        url = url.removeprefix(prefix)
    return url.rstrip("/")


# --- the new part of a reply ------------------------------------------------------------------------------

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
