"""Raw test messages built byte by byte, so that every charset declaration is exactly as intended.

The email package would "fix" what these messages get wrong on purpose (a missing charset,
raw 8-bit bytes in a header, a mislabelled body), so nothing here uses it to build them.
"""

from __future__ import annotations

import base64
import quopri
from dataclasses import dataclass

CRLF = b"\r\n"

# Ukrainian with і, ї, є, ґ (both cases) and an apostrophe; KOI8-U has no typographic
# apostrophe, so the ASCII one is used wherever the text must survive KOI8-U too.
UKRAINIAN_SUBJECT = "Терміново: ґаджет у їдальні не з'єднується з мережею"
UKRAINIAN_BODY = (
    "Добрий день!\n"
    "\n"
    "У їдальні на п'ятому поверсі ґаджет для оплати не з'єднується з мережею.\n"
    "Є підозра, що зламався роутер. Її перевіряли вчора, але ґудзик живлення не світиться.\n"
    "Прошу перевірити якнайшвидше, бо черга росте.\n"
    "\n"
    "Дякую,\n"
    "Ірина Ґудзь, відділ постачання\n"
)
# windows-1251 has the typographic apostrophe (and dashes, and №); Ukrainian mail uses them.
UKRAINIAN_TYPOGRAPHIC_SUBJECT = "Заявка № 42 — комп’ютер в їдальні не вмикається"
UKRAINIAN_TYPOGRAPHIC_BODY = "Комп’ютер у їдальні не вмикається — «зависає» на логотипі.\nЄ фото, надішлю окремо.\n"

RUSSIAN_SUBJECT = "Срочно: не работает почта в отделе кадров"
RUSSIAN_BODY = (
    "Здравствуйте!\n"
    "\n"
    "С утра не работает электронная почта, письма не уходят и не приходят.\n"
    "Проверьте, пожалуйста, сервер. Это очень срочно.\n"
    "\n"
    "Спасибо,\n"
    "Елена Петрова\n"
)


def encoded_words(text: str, charset: str, encoding: str, *, chars_per_word: int = 12) -> bytes:
    """`text` as RFC 2047 encoded-words ("B" or "Q"), folded onto continuation lines."""
    words = []
    for start in range(0, len(text), chars_per_word):
        chunk = text[start : start + chars_per_word].encode(charset)
        words.append(encoded_word(chunk, charset, encoding))
    return (CRLF + b" ").join(words)


def encoded_word(data: bytes, charset: str, encoding: str) -> bytes:
    if encoding == "B":
        payload = base64.b64encode(data)
    else:
        payload = b"".join(_q_byte(byte) for byte in data)
    return b"=?" + charset.encode("ascii") + b"?" + encoding.encode("ascii") + b"?" + payload + b"?="


def _q_byte(byte: int) -> bytes:
    if byte == 0x20:
        return b"_"
    if 0x21 <= byte <= 0x7E and chr(byte) not in '=?_"(),.:;<>@[\\]':
        return bytes([byte])
    return b"=%02X" % byte


def crlf(text: str | bytes) -> bytes:
    data = text.encode("ascii") if isinstance(text, str) else text
    return data.replace(b"\r\n", b"\n").replace(b"\n", CRLF)


@dataclass
class Mail:
    """A message put together from header lines (raw bytes, as sent) and a body."""

    headers: list[bytes]
    body: bytes = b""

    def header(self, name: str, value: bytes | str) -> Mail:
        raw = value.encode("utf-8") if isinstance(value, str) else value
        self.headers.append(name.encode("ascii") + b": " + raw)
        return self

    def without(self, name: str) -> Mail:
        prefix = name.lower().encode("ascii") + b":"
        self.headers = [line for line in self.headers if not line.lower().startswith(prefix)]
        return self

    def build(self) -> bytes:
        return CRLF.join(self.headers) + CRLF + CRLF + self.body


def person_mail(
    *, subject: bytes | str = "Printer on floor 3", sender: str = "Olena Kovalenko <olena@example.ua>"
) -> Mail:
    """An ordinary message from a person: the base the other builders change."""
    return Mail(
        headers=[
            b"From: " + sender.encode("ascii"),
            b"To: Help Desk <helpdesk@example.org>",
            b"Subject: " + (subject.encode("ascii") if isinstance(subject, str) else subject),
            b"Date: Tue, 05 Mar 2024 09:15:00 +0200",
            b"Message-ID: <printer-1@example.ua>",
            b"MIME-Version: 1.0",
        ]
    )


def text_mail(
    body: str,
    *,
    charset: str,
    declared: bool,
    subject: bytes,
    transfer_encoding: str = "8bit",
    body_charset: str | None = None,
) -> bytes:
    """A text/plain message whose body is `body` in `charset`, declared or not.

    `body_charset` declares a different (wrong) charset on purpose.
    """
    data = crlf(body.encode(charset))
    content_type = b"text/plain"
    if declared:
        content_type += b'; charset="' + (body_charset or charset).encode("ascii") + b'"'
    mail = person_mail(subject=subject).header("Content-Type", content_type)
    mail.header("Content-Transfer-Encoding", transfer_encoding)
    mail.body = _transfer_encoded(data, transfer_encoding)
    return mail.build()


def _transfer_encoded(data: bytes, transfer_encoding: str) -> bytes:
    if transfer_encoding == "base64":
        return crlf(base64.encodebytes(data))
    if transfer_encoding == "quoted-printable":
        return crlf(quopri.encodestring(data.replace(CRLF, b"\n")))
    return data


def html_only_mail(html: str, *, charset: str = "utf-8") -> bytes:
    mail = person_mail(subject=encoded_words("Не працює пошта", "utf-8", "B"))
    mail.header("Content-Type", f'text/html; charset="{charset}"')
    mail.header("Content-Transfer-Encoding", "base64")
    mail.body = crlf(base64.encodebytes(html.encode(charset)))
    return mail.build()


@dataclass
class Part:
    headers: list[bytes]
    body: bytes

    def build(self) -> bytes:
        return CRLF.join(self.headers) + CRLF + CRLF + self.body


def text_part(text: str, *, subtype: str = "plain", charset: str = "utf-8") -> Part:
    return Part(
        [f'Content-Type: text/{subtype}; charset="{charset}"'.encode(), b"Content-Transfer-Encoding: base64"],
        crlf(base64.encodebytes(text.encode(charset))),
    )


def file_part(data: bytes, *, content_type: str, disposition: bytes | None, extra: list[bytes] | None = None) -> Part:
    headers = [b"Content-Type: " + content_type.encode("ascii")]
    if disposition is not None:
        headers.append(b"Content-Disposition: " + disposition)
    headers.append(b"Content-Transfer-Encoding: base64")
    headers.extend(extra or [])
    return Part(headers, crlf(base64.encodebytes(data)))


def multipart(subtype: str, parts: list[Part], *, boundary: str = "b0undary", params: str = "") -> Part:
    body = b"".join(b"--" + boundary.encode() + CRLF + part.build() + CRLF for part in parts)
    body += b"--" + boundary.encode() + b"--" + CRLF
    return Part([f'Content-Type: multipart/{subtype}; boundary="{boundary}"{params}'.encode()], body)


def mime_mail(
    root: Part, *, subject: str = "Files for the printer ticket", extra_headers: list[bytes] | None = None
) -> bytes:
    mail = person_mail(subject=subject)
    mail.headers.extend(root.headers)
    mail.headers.extend(extra_headers or [])
    mail.body = root.body
    return mail.build()


# Bytes that pass for a PNG and a PDF; only their identity and size matter here.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n" + b"0123456789abcdef" * 320 + b"\n%%EOF\n"
