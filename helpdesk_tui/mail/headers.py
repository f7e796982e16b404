"""Header values read straight from the raw bytes and decoded by our own tolerant rules.

Unstructured text (raw 8-bit bytes and RFC 2047 encoded-words, however split), address lists
however carelessly written, message ids, dates, and the parameters of Content-Type and
Content-Disposition (RFC 2231 and RFC 2047 inside quotes). Nothing here raises on bad input:
what had to be guessed or repaired is appended to the caller's notes.
"""

from __future__ import annotations

import binascii
import email.message
import email.utils
import re
from datetime import UTC, datetime
from email.message import Message

from helpdesk_tui.mail.charsets import decode_declared

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


def _first(items: list[str]) -> str | None:
    return items[0] if items else None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


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


def _raw_header(part: Message, name: str) -> bytes | None:
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.strip().lower() == wanted:
            return _unfold(_to_bytes(value))
    return None
