"""The MIME tree walked once: the readable text and the HTML of the body, every other part an
Attachment.

multipart/alternative, related and mixed are read as RFC 2046 means them; message/* parts are
attached whole. Payloads are decoded tolerantly (damaged base64, x-uuencode with or without its
"begin" line, files uuencoded into the text, format=flowed), text by charsets.decode_declared,
with the charsets the message uses as hints. What had to be repaired is written to the notes.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from email import policy as email_policy
from email.message import Message
from email.parser import BytesHeaderParser

from helpdesk_tui.mail.attachments import Attachment, _extension_for, _safe_filename, _type_for_filename
from helpdesk_tui.mail.charsets import decode_declared
from helpdesk_tui.mail.headers import _ENCODED_WORD, _HeaderReader, _param, _raw_header
from helpdesk_tui.mail.html_text import html_to_text
from helpdesk_tui.mail.options import _Options


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
    report: list[tuple[str, str]] = field(default_factory=list)  # (kind, text): see _REPORT_PARTS
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
        if subtype == "report":
            return self._report(children, where)
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

    def _report(self, children: list[Message], where: str) -> _Content:
        """RFC 6522: the first part is for people; the delivery status and the returned header
        after it are the report itself, kept as text to read beside it rather than as files
        named attachment-1.txt."""
        contents = []
        for i, child in enumerate(children, 1):
            kind = _REPORT_PARTS.get(child.get_content_type()) if i > 1 else None
            if kind is None:
                contents.append(self._content_of(child, f"{where}.{i}"))
            else:
                text = _report_text(child, kind)
                if text.strip():
                    self.report.append((kind, text))
        return _combined(contents)

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
        # A byte-order mark some mailers put first is a signature, not text: kept, it would show
        # as \ufeff wherever the text is shown (invisible characters are made visible there).
        decoded_text = decoded.text.removeprefix("\ufeff")
        if content_type == "text/html":
            return _Content(html=decoded_text)
        text = _normalise_newlines(decoded_text)
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


# What each machine-readable part of a multipart/report is: a delivery status or a disposition
# (fields per message and per recipient), or the returned message's header (the message itself
# stays in the raw bytes).
_REPORT_PARTS = {
    "message/delivery-status": "delivery-status",
    "message/global-delivery-status": "delivery-status",
    "message/disposition-notification": "disposition",
    "message/global-disposition-notification": "disposition",
    "text/rfc822-headers": "returned-header",
    "message/global-headers": "returned-header",
    "message/rfc822": "returned-header",
    "message/global": "returned-header",
}


def _report_text(part: Message, kind: str) -> str:
    if part.is_multipart() or part.get_content_type().startswith("message/"):
        data = _container_body(part)
    else:
        data = part.get_payload(decode=True) or b""
        data = data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape")
    data = data.replace(b"\r\n", b"\n")
    if kind == "returned-header":
        data = data.split(b"\n\n", 1)[0]  # a returned message: its header is what says which it was
        try:
            header = BytesHeaderParser(policy=email_policy.default).parsebytes(data + b"\n\n")
            return "\n".join(f"{name}: {value}" for name, value in header.items())
        except Exception:  # noqa: BLE001 - a header too broken to decode is shown as it came
            pass
    return _normalise_newlines(data.decode("utf-8", "replace")).strip("\n")


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
