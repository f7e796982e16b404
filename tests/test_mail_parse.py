"""Mail parsing: Zammad's corpus of real-world mail, and Ukrainian/Russian messages of our own.

The corpus (AGPL test data, kept outside the repository in ../shared/corpora/zammad-mail/, see
its SOURCE.md) must parse without an exception, and where Zammad recorded what its parser read
(`mailNNN.yml`), our sender address and subject must agree with it.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpdesk_tui.mail import ParsedMail, UnparseableMail, html_to_text, parse_mail, strip_quoted_reply
from helpdesk_tui.mail import parse as parse_module
from tests import mail_samples as samples
from tests.strict_ci import skip_or_fail

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "zammad-mail"
CORPUS_SIZE = 106


def _corpus_names(suffix: str) -> list[str]:
    if not CORPUS.is_dir():
        return ["(corpus missing)"]
    return sorted(path.name for path in CORPUS.glob(f"*{suffix}"))


def _corpus_path(name: str) -> Path:
    if not CORPUS.is_dir():
        skip_or_fail(f"the mail corpus is missing: expected Zammad's test mails in {CORPUS} (see its SOURCE.md)")
    return CORPUS / name


def _collapsed(text: str) -> str:
    return " ".join(text.split())


# --- the corpus ----------------------------------------------------------------------------------------


def test_the_corpus_is_complete():
    _corpus_path("SOURCE.md")
    assert len(_corpus_names(".box")) == CORPUS_SIZE


@pytest.mark.parametrize("name", _corpus_names(".box"))
def test_every_corpus_mail_parses(name):
    parsed = parse_mail(_corpus_path(name).read_bytes())

    assert isinstance(parsed, ParsedMail)
    assert "\r" not in parsed.text
    assert all(attachment.filename for attachment in parsed.attachments)
    assert all(attachment.size == len(attachment.data or b"") for attachment in parsed.attachments)
    assert not any("strict parser" in defect for defect in parsed.defects)


# Where Zammad 5.2 read something else, and we are right to differ. Keep this list short.
SUBJECT_EXCEPTIONS = {
    # The subject has an encoded-word in "unicode-1-1-utf-7" (RFC 1642's name for UTF-7). Zammad
    # left "+ANw-" undecoded; it is "Ü".
    "mail018.box": "Benachrichtung zum Übermittlungsstatus (Fehlgeschlagen)",
}
FROM_EXCEPTIONS = {
    # From: "Millions Lottery Spain transfer"@example.com>  -- Zammad kept the stray ">".
    "mail076.box": '"millions lottery spain transfer"@example.com',
    # From: Test test@example.com  -- a name and an address without angle brackets; Zammad took
    # the whole line for the address.
    "mail087.box": "test@example.com",
}


@pytest.mark.parametrize("name", _corpus_names(".yml"))
def test_sender_and_subject_agree_with_zammad(name):
    expected = _corpus_path(name).read_text(encoding="utf-8")
    box = name.removesuffix(".yml") + ".box"
    parsed = parse_mail(_corpus_path(box).read_bytes())

    subject = _top_level_yaml_scalar(expected, "subject") or ""  # Zammad leaves out an empty one
    assert _collapsed(parsed.subject) == _collapsed(SUBJECT_EXCEPTIONS.get(box, subject))
    from_email = _top_level_yaml_scalar(expected, "from_email")
    if from_email is not None:
        assert parsed.from_address == FROM_EXCEPTIONS.get(box, from_email.lower())


# Zammad's .yml files are Ruby-tagged YAML and PyYAML is not a dependency: this reads just the
# top-level plain, 'single' and "double" quoted scalars (with folding and escapes) that we compare.

_YAML_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_YAML_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


def _top_level_yaml_scalar(document: str, key: str) -> str | None:
    lines = document.split("\n")
    for i, line in enumerate(lines):
        if not line.startswith(f"{key}:"):
            continue
        first = line[len(key) + 1 :].strip()
        rest = []
        for following in lines[i + 1 :]:
            if following and not following.startswith(" "):
                break
            rest.append(following)
        if first.startswith('"'):
            return _yaml_double_quoted("\n".join([first[1:], *rest]))
        if first.startswith("'"):
            return _yaml_single_quoted("\n".join([first[1:], *rest]))
        assert first[:1] not in ("|", ">"), f"{key}: block scalars are not read here"
        return " ".join(part.strip() for part in [first, *rest] if part.strip())
    return None


def _yaml_fold(text: str, i: int, out: list[str]) -> int:
    while out and out[-1] in (" ", "\t"):
        out.pop()
    breaks = 0
    while i < len(text) and text[i] == "\n":
        breaks += 1
        i += 1
        while i < len(text) and text[i] in " \t":
            i += 1
    out.append("\n" * (breaks - 1) if breaks > 1 else " ")
    return i


def _yaml_double_quoted(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text) and text[i] != '"':
        if text[i] == "\\":
            escape = text[i + 1]
            if escape == "\n":  # an escaped line break joins the lines without a space
                i += 2
                while i < len(text) and text[i] in " \t":
                    i += 1
            elif escape in _YAML_HEX_DIGITS:
                digits = _YAML_HEX_DIGITS[escape]
                out.append(chr(int(text[i + 2 : i + 2 + digits], 16)))
                i += 2 + digits
            else:
                out.append(_YAML_ESCAPES[escape])
                i += 2
        elif text[i] == "\n":
            i = _yaml_fold(text, i, out)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _yaml_single_quoted(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "'":
            if text[i + 1 : i + 2] != "'":
                break
            out.append("'")
            i += 2
        elif text[i] == "\n":
            i = _yaml_fold(text, i, out)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def test_the_yaml_reader_handles_what_the_corpus_uses():
    document = (
        "--- !ruby/hash:ActiveSupport::HashWithIndifferentAccess\n"
        "from: x\n"
        'subject: "-90%! Nur 3,90 EUR: In-Ear\n  und f\\xFCr \\"Bob\\"\\r\\n\\u3000end\\\n  ing"\n'
        "plain: a plain\n  scalar\n"
        "quoted: 'it''s\n  folded'\n"
        "body: |-\n  ignored\n"
    )
    assert _top_level_yaml_scalar(document, "subject") == '-90%! Nur 3,90 EUR: In-Ear und für "Bob"\r\n\u3000ending'
    assert _top_level_yaml_scalar(document, "plain") == "a plain scalar"
    assert _top_level_yaml_scalar(document, "quoted") == "it's folded"
    assert _top_level_yaml_scalar(document, "missing") is None


def test_corpus_specifics():
    """A few things the corpus shows that the yml files do not check."""
    uuencoded_in_text = parse_mail(_corpus_path("mail025.box").read_bytes())
    (report,) = uuencoded_in_text.attachments
    assert report.filename == "rulesets-report.csv"
    assert report.data is not None and report.data.startswith(b"RULESET_ID;NAME;ACTIV")
    assert "begin 644" not in uuencoded_in_text.text

    uuencoded_part = parse_mail(_corpus_path("mail078-content_transfer_encoding_x_uuencode.box").read_bytes())
    assert [a.filename for a in uuencoded_part.attachments] == ["PGP_Cmts_on_12-14-01_Pkg.txt"]
    assert uuencoded_part.attachments[0].data == b"Hello Zammad"

    bounce = parse_mail(_corpus_path("mail033-undelivered-mail-returned-to-sender.box").read_bytes())
    assert bounce.auto == "bounce"
    assert bounce.attachments == ()
    assert [kind for kind, _text in bounce.report] == ["delivery-status", "returned-header"]
    assert "Status: 5.1.1" in bounce.report[0][1] and "Subject: test [Ticket#10010]" in bounce.report[1][1]

    undeclared_raw_subject = parse_mail(_corpus_path("mail046.box").read_bytes())
    assert undeclared_raw_subject.subject == "转发：整体提升企业服务水平"
    assert any("guessed" in defect for defect in undeclared_raw_subject.defects)


# --- Cyrillic in every charset it arrives in --------------------------------------------------------------

CYRILLIC_CASES = [
    pytest.param("windows-1251", samples.UKRAINIAN_SUBJECT, samples.UKRAINIAN_BODY, id="uk-windows-1251"),
    pytest.param("koi8-u", samples.UKRAINIAN_SUBJECT, samples.UKRAINIAN_BODY, id="uk-koi8-u"),
    pytest.param("koi8-r", samples.RUSSIAN_SUBJECT, samples.RUSSIAN_BODY, id="ru-koi8-r"),
]


@pytest.mark.parametrize("encoding", ["B", "Q"])
@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
@pytest.mark.parametrize(("charset", "subject", "body"), CYRILLIC_CASES)
def test_cyrillic_text_comes_out_exactly(charset, subject, body, declared, encoding):
    raw = samples.text_mail(
        body, charset=charset, declared=declared, subject=samples.encoded_words(subject, charset, encoding)
    )

    parsed = parse_mail(raw)

    assert parsed.subject == subject
    assert parsed.text == body
    if declared:
        assert not parsed.defects
    else:
        assert any("no charset declared" in defect and charset in defect for defect in parsed.defects)


@pytest.mark.parametrize("transfer_encoding", ["quoted-printable", "base64"])
def test_declared_windows_1251_in_any_transfer_encoding(transfer_encoding):
    raw = samples.text_mail(
        samples.UKRAINIAN_TYPOGRAPHIC_BODY,
        charset="windows-1251",
        declared=True,
        subject=samples.encoded_words(samples.UKRAINIAN_TYPOGRAPHIC_SUBJECT, "windows-1251", "Q"),
        transfer_encoding=transfer_encoding,
    )

    parsed = parse_mail(raw)

    assert parsed.subject == samples.UKRAINIAN_TYPOGRAPHIC_SUBJECT
    assert parsed.text == samples.UKRAINIAN_TYPOGRAPHIC_BODY


@pytest.mark.parametrize("body_declared", [True, False], ids=["body-declared", "body-undeclared"])
def test_raw_8bit_windows_1251_subject(body_declared):
    raw = samples.text_mail(
        samples.UKRAINIAN_BODY,
        charset="windows-1251",
        declared=body_declared,
        subject=samples.UKRAINIAN_TYPOGRAPHIC_SUBJECT.encode("windows-1251"),
    )

    parsed = parse_mail(raw)

    assert parsed.subject == samples.UKRAINIAN_TYPOGRAPHIC_SUBJECT
    assert parsed.text == samples.UKRAINIAN_BODY
    assert "Subject: raw 8-bit bytes decoded as windows-1251 (guessed)" in parsed.defects


@pytest.mark.parametrize(
    "subject",
    [samples.UKRAINIAN_SUBJECT, samples.UKRAINIAN_TYPOGRAPHIC_SUBJECT, "Звіт за березень", "Не працює принтер"],
)
def test_raw_8bit_subject_with_nothing_else_to_go_by(subject):
    mail = samples.person_mail(subject=subject.encode("windows-1251"))
    mail.header("Content-Type", "text/plain; charset=us-ascii")
    mail.body = b"See subject.\r\n"

    assert parse_mail(mail.build()).subject == subject


def test_raw_8bit_display_name_is_guessed_too():
    mail = samples.person_mail()
    mail.without("From").header("From", "Ірина Ґудзь".encode("windows-1251") + b" <iryna@example.ua>")

    parsed = parse_mail(mail.build())

    assert (parsed.from_name, parsed.from_address) == ("Ірина Ґудзь", "iryna@example.ua")


def test_encoded_words_split_inside_a_character_are_joined():
    data = samples.UKRAINIAN_SUBJECT.encode("utf-8")
    words = [samples.encoded_word(data[i : i + 7], "utf-8", "B") for i in range(0, len(data), 7)]
    mail = samples.person_mail(subject=b"\r\n ".join(words))

    assert parse_mail(mail.build()).subject == samples.UKRAINIAN_SUBJECT


def test_encoded_display_names_with_commas_and_quotes():
    name = samples.encoded_words("Ґудзь, Ірина", "utf-8", "Q")
    mail = samples.person_mail()
    mail.without("From").header("From", b'"' + name + b'" <Iryna.Gudz@Example.UA>')
    mail.header("Cc", b"=?koi8-u?B?" + base64.b64encode("Петро".encode("koi8-u")) + b"?= <petro@example.ua>, a@b.ua")

    parsed = parse_mail(mail.build())

    assert parsed.from_name == "Ґудзь, Ірина"
    assert parsed.from_address == "iryna.gudz@example.ua"
    assert parsed.cc == ("petro@example.ua", "a@b.ua")


def test_koi8_u_text_labelled_koi8_r_keeps_its_ukrainian_letters():
    raw = samples.text_mail(
        samples.UKRAINIAN_BODY,
        charset="koi8-u",
        declared=True,
        body_charset="koi8-r",
        subject=samples.encoded_words("Звіт", "koi8-u", "B"),
    )

    parsed = parse_mail(raw)

    assert parsed.text == samples.UKRAINIAN_BODY
    assert any("reads as koi8-u" in defect for defect in parsed.defects)


@pytest.mark.parametrize("wrong_label", ["iso-8859-1", "us-ascii", "koi8-r"])
def test_windows_1251_under_a_wrong_label(wrong_label):
    raw = samples.text_mail(
        samples.UKRAINIAN_BODY,
        charset="windows-1251",
        declared=True,
        body_charset=wrong_label,
        subject=b"Printer",
    )

    parsed = parse_mail(raw)

    assert parsed.text == samples.UKRAINIAN_BODY
    assert any("windows-1251" in defect for defect in parsed.defects)


def test_correctly_labelled_latin_1_is_left_alone():
    german = "Grüße aus München: die Übersicht für März ist fertig.\nMit freundlichen Grüßen\nJürgen\n"
    raw = samples.text_mail(german, charset="iso-8859-1", declared=True, subject=b"Bericht")

    parsed = parse_mail(raw)

    assert parsed.text == german
    assert not parsed.defects


def test_unknown_charset_is_guessed_and_noted():
    raw = samples.text_mail(
        samples.UKRAINIAN_BODY, charset="windows-1251", declared=True, body_charset="x-no-such-charset", subject=b"x"
    )

    parsed = parse_mail(raw)

    assert parsed.text == samples.UKRAINIAN_BODY
    assert any("unknown charset 'x-no-such-charset'; guessed windows-1251" in defect for defect in parsed.defects)


def test_utf8_declared_but_not_utf8_never_raises():
    mixed = "Привіт".encode() + b" \xff\xfe " + "світ".encode()
    mail = samples.person_mail()
    mail.header("Content-Type", "text/plain; charset=utf-8")
    mail.body = mixed

    parsed = parse_mail(mail.build())

    assert parsed.text == "Привіт \ufffd\ufffd світ"
    assert any("replaced with U+FFFD" in defect for defect in parsed.defects)


# --- HTML, attachments, structure --------------------------------------------------------------------------

UKRAINIAN_HTML = """<!DOCTYPE html>
<html><head><title>Лист</title><style>p { color: red }</style></head>
<body>
<p>Добрий день!</p>
<p>Не працює пошта в їдальні:</p>
<ul><li>не надсилаються листи;</li><li>не з&#39;єднується з&nbsp;сервером.</li></ul>
<p>Інструкція: <a href="https://wiki.example.ua/mail">вікі</a>.<br>Дякую, Ірина</p>
<script>alert("ні")</script>
</body></html>"""


def test_html_only_ukrainian_mail():
    parsed = parse_mail(samples.html_only_mail(UKRAINIAN_HTML))

    assert parsed.subject == "Не працює пошта"
    assert parsed.html == UKRAINIAN_HTML
    assert parsed.text == (
        "Добрий день!\n"
        "\n"
        "Не працює пошта в їдальні:\n"
        "\n"
        "- не надсилаються листи;\n"
        "- не з'єднується з сервером.\n"
        "\n"
        "Інструкція: вікі (https://wiki.example.ua/mail).\n"
        "Дякую, Ірина"
    )


def test_alternative_prefers_plain_text_but_not_an_empty_one():
    with_plain = samples.mime_mail(
        samples.multipart(
            "alternative", [samples.text_part("Простий текст"), samples.text_part("<p>HTML</p>", subtype="html")]
        )
    )
    empty_plain = samples.mime_mail(
        samples.multipart(
            "alternative", [samples.text_part(" \r\n"), samples.text_part("<p>Лише HTML</p>", subtype="html")]
        )
    )

    assert parse_mail(with_plain).text == "Простий текст"
    assert parse_mail(with_plain).html == "<p>HTML</p>"
    assert parse_mail(empty_plain).text == "Лише HTML"


def test_rfc_2231_and_rfc_2047_file_names():
    root = samples.multipart(
        "mixed",
        [
            samples.text_part("Файли в додатку."),
            samples.file_part(
                samples.PDF,
                content_type="application/pdf",
                disposition=b"attachment; filename*=UTF-8''%D0%97%D0%B2%D1%96%D1%82%20%D0%B7%D0%B0%20%D0%B1%D0%B5%D1%80%D0%B5%D0%B7%D0%B5%D0%BD%D1%8C.pdf",
            ),
            samples.file_part(
                samples.PDF,
                content_type="application/pdf",
                disposition=b"attachment; filename*0*=UTF-8''%D2%90%D0%B5%D0%BD; filename*1*=%D0%B5%D1%80%D0%B0%D1%82%D0%BE%D1%80.pdf",
            ),
            samples.file_part(
                samples.PNG,
                content_type='image/png; name="'
                + samples.encoded_words("Знімок екрана.png", "utf-8", "B").decode()
                + '"',
                disposition=None,
            ),
            samples.file_part(b"no name", content_type="application/octet-stream", disposition=b"attachment"),
            samples.file_part(
                b"path",
                content_type="text/plain",
                disposition=b'attachment; filename="C:\\Users\\olena\\desktop\\log.txt"',
            ),
        ],
    )

    parsed = parse_mail(samples.mime_mail(root))

    assert parsed.text == "Файли в додатку."
    assert [a.filename for a in parsed.attachments] == [
        "Звіт за березень.pdf",
        "Ґенератор.pdf",
        "Знімок екрана.png",
        "attachment-4.bin",
        "log.txt",
    ]
    assert [a.content_type for a in parsed.attachments][:3] == ["application/pdf", "application/pdf", "image/png"]
    assert parsed.attachments[0].data == samples.PDF
    assert parsed.attachments[0].size == len(samples.PDF)
    assert not any(a.inline or a.truncated for a in parsed.attachments)


def test_attachment_over_the_size_cap_keeps_its_size_but_not_its_bytes():
    root = samples.multipart(
        "mixed",
        [
            samples.text_part("Великий файл."),
            samples.file_part(
                samples.PDF, content_type="application/pdf", disposition=b'attachment; filename="big.pdf"'
            ),
            samples.file_part(b"small", content_type="text/plain", disposition=b'attachment; filename="small.txt"'),
        ],
    )

    parsed = parse_mail(samples.mime_mail(root), max_attachment_bytes=1000)

    big, small = parsed.attachments
    assert (big.filename, big.size, big.data, big.truncated) == ("big.pdf", len(samples.PDF), None, True)
    assert (small.size, small.data, small.truncated) == (5, b"small", False)


def test_inline_images_of_related_html():
    related = samples.multipart(
        "related",
        [
            samples.text_part('<p>Ось знімок:</p><img src="cid:shot1@example.ua" alt="знімок">', subtype="html"),
            samples.file_part(
                samples.PNG, content_type="image/png", disposition=None, extra=[b"Content-ID: <shot1@example.ua>"]
            ),
        ],
        boundary="rel",
    )
    root = samples.multipart("alternative", [samples.text_part("Ось знімок: [знімок]"), related], boundary="alt")

    parsed = parse_mail(samples.mime_mail(root))

    (image,) = parsed.attachments
    assert (image.inline, image.content_id, image.filename) == (True, "shot1@example.ua", "attachment-1.png")
    assert parsed.text == "Ось знімок: [знімок]"
    assert "cid:shot1@example.ua" in (parsed.html or "")


def test_forwarded_message_is_an_attachment_named_by_its_subject():
    inner = b"From: a@example.ua\r\nSubject: =?utf-8?B?" + base64.b64encode("Звіт".encode()) + b"?=\r\n\r\nold text\r\n"
    root = samples.multipart(
        "mixed", [samples.text_part("Пересилаю."), samples.Part([b"Content-Type: message/rfc822"], inner)]
    )

    parsed = parse_mail(samples.mime_mail(root))

    (forwarded,) = parsed.attachments
    assert (forwarded.filename, forwarded.content_type) == ("Звіт.eml", "message/rfc822")
    assert forwarded.data is not None and b"old text" in forwarded.data
    assert parsed.text == "Пересилаю."


def test_uuencoded_file_inside_the_text_becomes_an_attachment():
    mail = samples.person_mail()
    mail.body = samples.crlf("See the report.\n\nbegin 644 report.txt\n+2&5L;&\\@=V]R;&0*\n`\nend\n")

    parsed = parse_mail(mail.build())

    (report,) = parsed.attachments
    assert (report.filename, report.data, report.content_type) == ("report.txt", b"Hello world", "text/plain")
    assert parsed.text.strip() == "See the report."


def test_broken_base64_body_does_not_raise():
    mail = samples.person_mail()
    mail.header("Content-Type", "text/plain; charset=utf-8").header("Content-Transfer-Encoding", "base64")
    mail.body = base64.b64encode("Добрий день".encode())[:-3] + b"!!\r\n"

    parsed = parse_mail(mail.build())

    assert parsed.text.startswith("Добрий")
    assert parsed.defects


def test_flowed_text_is_joined_and_line_endings_are_lf():
    mail = samples.person_mail()
    mail.header("Content-Type", "text/plain; charset=utf-8; format=flowed; delsp=no")
    mail.body = "Перший рядок, який \r\nпродовжується.\r\n> Цитата, що \r\n> продовжується.\r\nКінець\r".encode()

    assert parse_mail(mail.build()).text == "Перший рядок, який продовжується.\n> Цитата, що продовжується.\nКінець\n"


def test_encrypted_mail_says_so():
    root = samples.multipart(
        "encrypted",
        [
            samples.file_part(b"Version: 1\n", content_type="application/pgp-encrypted", disposition=None),
            samples.file_part(
                b"-----BEGIN PGP MESSAGE-----", content_type="application/octet-stream", disposition=b"inline"
            ),
        ],
        params='; protocol="application/pgp-encrypted"',
    )

    parsed = parse_mail(samples.mime_mail(root))

    assert parsed.text == ""
    assert len(parsed.attachments) == 2
    assert any("encrypted" in defect for defect in parsed.defects)


# --- headers: ids, dates, addresses ---------------------------------------------------------------------


def test_thread_headers():
    mail = samples.person_mail()
    mail.header("In-Reply-To", "<first@example.org> (sent by the help desk)")
    mail.header("References", "<root@example.org>\r\n <first@example.org> <first@example.org>")
    mail.header("Reply-To", "Olena <OLENA.K@example.ua>")

    parsed = parse_mail(mail.build())

    assert parsed.message_id == "printer-1@example.ua"
    assert parsed.in_reply_to == "first@example.org"
    assert parsed.references == ("root@example.org", "first@example.org")
    assert parsed.reply_to == "olena.k@example.ua"
    assert parsed.to == ("helpdesk@example.org",)
    assert parsed.date == datetime(2024, 3, 5, 9, 15, tzinfo=timezone(timedelta(hours=2)))


def test_no_message_id_and_no_date():
    mail = samples.person_mail().without("Message-ID").without("Date")
    mail.body = b"Hello\r\n"

    parsed = parse_mail(mail.build())

    assert parsed.message_id is None
    assert parsed.date is None
    assert parsed.in_reply_to is None and parsed.references == ()
    assert not parsed.defects


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 05 Mar 2024 09:15:00 -0000", datetime(2024, 3, 5, 9, 15, tzinfo=UTC)),
        ("5 Mar 2024 09:15:00", datetime(2024, 3, 5, 9, 15, tzinfo=UTC)),
        ("вівторок, вранці", None),
        ("Wed, 05 Sep 2018 29:24:05 +0700", None),
    ],
)
def test_dates_are_aware_or_none(value, expected):
    mail = samples.person_mail().without("Date").header("Date", value)

    parsed = parse_mail(mail.build())

    assert parsed.date == expected
    if parsed.date is not None:
        assert parsed.date.tzinfo is not None
    else:
        assert any(defect.startswith("Date:") for defect in parsed.defects)


def test_missing_from_falls_back_to_reply_to():
    mail = samples.person_mail().without("From").header("Reply-To", "<Reply@Example.ua>")

    parsed = parse_mail(mail.build())

    assert parsed.from_address == "reply@example.ua"
    assert any("Reply-To" in defect for defect in parsed.defects)


def test_kept_headers_are_only_those_present():
    mail = samples.person_mail()
    mail.header("Precedence", "bulk").header(
        "List-Id", "=?utf-8?B?" + base64.b64encode("Новини".encode()).decode() + "?= <news.example.ua>"
    )

    parsed = parse_mail(mail.build())

    assert parsed.headers == {"Precedence": "bulk", "List-Id": "Новини <news.example.ua>"}


# --- people or machines ----------------------------------------------------------------------------------


def _with(*headers: tuple[str, str], subject: str = "Printer on floor 3", sender: str | None = None) -> bytes:
    mail = samples.person_mail(subject=subject.encode("utf-8"), **({"sender": sender} if sender else {}))
    for name, value in headers:
        mail.header(name, value.encode("utf-8"))
    mail.body = b"Body\r\n"
    return mail.build()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(_with(), None, id="a person"),
        pytest.param(_with(("Auto-Submitted", "no")), None, id="auto-submitted no"),
        pytest.param(_with(("Auto-Submitted", "auto-replied")), "auto_reply", id="auto-replied"),
        pytest.param(_with(("Auto-Submitted", "auto-generated; owner-email=x@y")), "auto_reply", id="auto-generated"),
        pytest.param(_with(("Auto-Submitted", "auto-replied"), ("X-Helpdesk-Loop", "1")), "loop", id="our loop header"),
        pytest.param(_with(("X-Autoreply", "yes")), "auto_reply", id="x-autoreply"),
        pytest.param(_with(("X-Autorespond", "x")), "auto_reply", id="x-autorespond"),
        pytest.param(
            _with(("X-Auto-Response-Suppress", "All"), subject="Automatic reply: Printer"),
            "auto_reply",
            id="outlook ooo",
        ),
        pytest.param(
            _with(("X-Auto-Response-Suppress", "All"), subject="Автоматична відповідь: Принтер"),
            "auto_reply",
            id="outlook ooo uk",
        ),
        pytest.param(
            _with(("X-Auto-Response-Suppress", "All"), subject="Автоответ: Принтер"), "auto_reply", id="outlook ooo ru"
        ),
        pytest.param(
            _with(("X-Auto-Response-Suppress", "All"), subject="Out of Office: back on Monday"), "auto_reply", id="ooo"
        ),
        # Outlook sets X-Auto-Response-Suppress on plenty of mail people write.
        pytest.param(_with(("X-Auto-Response-Suppress", "All")), None, id="suppress alone"),
        pytest.param(_with(subject="Out of office tomorrow, printer still broken"), None, id="ooo subject alone"),
        pytest.param(_with(("Precedence", "bulk")), "bulk", id="precedence bulk"),
        pytest.param(_with(("Precedence", "junk")), "bulk", id="precedence junk"),
        pytest.param(_with(("Precedence", "list")), "list", id="precedence list"),
        pytest.param(_with(("List-Id", "<news.example.ua>")), "list", id="list-id"),
        pytest.param(_with(("List-Unsubscribe", "<mailto:leave@example.ua>")), "list", id="list-unsubscribe"),
        pytest.param(_with(("Return-Path", "<>")), "bounce", id="null return path"),
        pytest.param(_with(sender="Mail Delivery System <MAILER-DAEMON@mx.example.ua>"), "bounce", id="mailer-daemon"),
        pytest.param(_with(sender="postmaster@example.ua"), "bounce", id="postmaster"),
        pytest.param(_with(sender="Help Desk <HelpDesk@Example.org>"), "loop", id="from ourselves"),
        pytest.param(_with(("X-Loop", "helpdesk@example.org")), "loop", id="x-loop with our address"),
    ],
)
def test_machine_mail_is_recognised(raw, expected):
    assert parse_mail(raw, own_addresses=frozenset({"helpdesk@example.org"})).auto == expected


def test_delivery_report_is_a_bounce():
    root = samples.multipart(
        "report",
        [
            samples.text_part("Не вдалося доставити лист."),
            samples.Part(
                [b"Content-Type: message/delivery-status"],
                b"Reporting-MTA: dns; mx.example.ua\r\n\r\nStatus: 5.1.1\r\n",
            ),
        ],
        params="; report-type=delivery-status",
    )

    parsed = parse_mail(samples.mime_mail(root))

    assert parsed.auto == "bounce"
    assert parsed.text == "Не вдалося доставити лист."
    assert parsed.attachments == ()  # the report is read, not saved as attachment-1.txt
    assert parsed.report == (("delivery-status", "Reporting-MTA: dns; mx.example.ua\n\nStatus: 5.1.1"),)


def test_a_leading_byte_order_mark_is_not_part_of_the_text():
    root = samples.multipart("alternative", [
        samples.Part([b'Content-Type: text/plain; charset="utf-8"'], "\ufeffДобрий день.".encode()),
        samples.Part([b'Content-Type: text/html; charset="utf-8"'], "\ufeff<p>Добрий день.</p>".encode()),
    ])

    parsed = parse_mail(samples.mime_mail(root))

    assert parsed.text == "Добрий день." and parsed.html == "<p>Добрий день.</p>"


def test_a_returned_message_in_a_report_is_its_decoded_header_and_elsewhere_an_attachment():
    returned = crlf_lines(
        "From: HELP DESK <helpdesk@example.org>",
        "Message-ID: <n-1@desk.example>",
        "Subject: =?utf-8?b?0JLQuNGA0ZbRiNC10L3Qvg==?=",
        "",
        "The notification's own text, with its own attachments, stays in the raw bytes.",
    )
    report = samples.multipart(
        "report",
        [
            samples.text_part("Mailbox is full."),
            samples.Part([b"Content-Type: message/delivery-status"], b"Final-Recipient: rfc822; a@b.ua\r\nStatus: 5.2.2\r\n"),
            samples.Part([b"Content-Type: message/rfc822"], returned),
        ],
        params="; report-type=delivery-status",
    )

    parsed = parse_mail(samples.mime_mail(report))

    assert parsed.attachments == ()
    assert [kind for kind, _text in parsed.report] == ["delivery-status", "returned-header"]
    assert parsed.report[1][1] == "From: HELP DESK <helpdesk@example.org>\nMessage-ID: <n-1@desk.example>\nSubject: Вирішено"
    forwarded = parse_mail(samples.mime_mail(samples.multipart(
        "mixed", [samples.text_part("Пересилаю."), samples.Part([b"Content-Type: message/rfc822"], returned)])))
    assert [a.content_type for a in forwarded.attachments] == ["message/rfc822"] and forwarded.report == ()


def crlf_lines(*lines: str) -> bytes:
    return "\r\n".join(lines).encode() + b"\r\n"


def test_custom_loop_header():
    raw = _with(("X-Our-Desk", "INC0000123"))

    parsed = parse_mail(raw, loop_header="X-Our-Desk")

    assert parsed.auto == "loop"
    assert parsed.headers == {"X-Our-Desk": "INC0000123"}


# --- what cannot be parsed, and the tolerant path --------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"\r\n\r\n", b"just some words, not a mail\nand more\n", b"\x00\xff\x10binary"])
def test_nothing_sensible_raises_unparseable(raw):
    with pytest.raises(UnparseableMail):
        parse_mail(raw)


def test_text_instead_of_bytes_is_a_programming_error():
    with pytest.raises(TypeError):
        parse_mail("From: a@b\n\nhi")  # type: ignore[arg-type]


def test_header_block_repairs():
    unindented_fold = (
        b"From: Olena <olena@example.ua>\r\nX-Tracker: H4sIAAAAAAAAA+NgFlrIKsWRWlGSWpSXmKPExsWi75nTrTtrwZM\r\n"
        b"Ig5drOCwmrVzP5sDoseXbDeYAxijWzLyk/IoE1owFz6ezFkxKrWjafpWpgfFOchcjF4eQwDZG\r\n"
        b"Subject: Still here\r\n\r\nBody\r\n"
    )
    junk_on_top = (
        b"---- Original email message ----\r\nFrom: olena@example.ua\r\nSubject: Contact form\r\n\r\nName: Olena\r\n"
    )
    body_without_blank_line = b"From: olena@example.ua\r\nSubject: Hi\r\nName: Olena\r\nPhone: 123\r\n"

    assert parse_mail(unindented_fold).subject == "Still here"
    assert (parse_mail(junk_on_top).subject, parse_mail(junk_on_top).text) == ("Contact form", "Name: Olena\n")
    assert parse_mail(body_without_blank_line).subject == "Hi"


def test_strict_header_parser_failure_falls_back_to_the_tolerant_one(monkeypatch):
    import email.message

    def broken(self):
        raise IndexError("simulated crash inside the strict header parser")

    monkeypatch.setattr(email.message.EmailMessage, "get_content_type", broken)
    raw = samples.text_mail(
        samples.UKRAINIAN_BODY, charset="koi8-u", declared=True, subject=samples.encoded_words("Звіт", "koi8-u", "Q")
    )

    parsed = parse_mail(raw)

    assert (parsed.subject, parsed.text) == ("Звіт", samples.UKRAINIAN_BODY)
    assert any("strict parser" in defect for defect in parsed.defects)


def test_a_failure_of_both_parsers_is_unparseable(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated")

    monkeypatch.setattr(parse_module, "_BodyReader", broken)

    with pytest.raises(UnparseableMail, match="simulated"):
        parse_mail(_with())


def test_a_mime_bomb_is_read_to_a_sane_depth():
    depth = 300
    opening = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(depth))
    closing = b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    raw = b"From: a@example.ua\r\nSubject: bomb\r\n" + opening + b"Content-Type: text/plain\r\n\r\nhello\r\n" + closing

    parsed = parse_mail(raw)

    assert parsed.subject == "bomb"
    assert any("nested deeper than" in defect for defect in parsed.defects)


# --- the new part of a reply ------------------------------------------------------------------------------

NEW_PART = "Так, принтер знову працює.\nДякую!"


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(
            NEW_PART
            + "\n\nOn Tue, Mar 5, 2024 at 9:15 AM Help Desk <helpdesk@example.org>\nwrote:\n\n> Чи працює принтер?\n> \n",
            id="gmail wrapped",
        ),
        pytest.param(
            NEW_PART
            + "\n\nвт, 5 бер. 2024 р. о 09:15 Help Desk <helpdesk@example.org> пише:\n\n> Чи працює принтер?\n",
            id="gmail uk",
        ),
        pytest.param(
            NEW_PART + "\n\nвт, 5 мар. 2024 г. в 09:15, Help Desk <helpdesk@example.org>:\n> Работает ли принтер?\n",
            id="gmail ru",
        ),
        pytest.param(
            NEW_PART + "\n\n05.03.2024 09:15, Іван Петренко пише:\n> Чи працює принтер?\n", id="thunderbird uk"
        ),
        pytest.param(
            NEW_PART
            + "\n\n________________________________\nFrom: Help Desk <helpdesk@example.org>\nSent: Tuesday, March 5, 2024 9:15 AM\n"
            "To: Olena\nSubject: RE: Printer\n\nЧи працює принтер?\n",
            id="outlook",
        ),
        pytest.param(
            NEW_PART + "\n\nВід: Help Desk <helpdesk@example.org>\nНадіслано: 5 березня 2024 р. 9:15\nКому: Олена\n"
            "Тема: Принтер\n\nЧи працює принтер?\n",
            id="outlook uk",
        ),
        pytest.param(
            NEW_PART
            + "\n\nОт: Help Desk [mailto:helpdesk@example.org]\nОтправлено: 5 марта 2024 г. 9:15\nКому: Елена\n"
            "Тема: Принтер\n\nРаботает ли принтер?\n",
            id="outlook ru",
        ),
        pytest.param(
            NEW_PART + "\n\n-----Original Message-----\nFrom: Help Desk\nSent: today\n\nold\n", id="original message"
        ),
        pytest.param(NEW_PART + "\n-- \nОлена Коваленко\nвідділ кадрів\n", id="signature"),
        pytest.param("> Чи працює принтер?\n" + NEW_PART + "\n> Old line\n", id="interleaved quotes"),
    ],
)
def test_strip_quoted_reply(reply):
    assert strip_quoted_reply(reply) == NEW_PART


def test_strip_quoted_reply_keeps_ordinary_text_and_crlf():
    text = "Він пише: все гаразд.\r\nOn Monday the printer was fine.\r\nFrom: the accountants\r\n"
    assert strip_quoted_reply(text) == "Він пише: все гаразд.\nOn Monday the printer was fine.\nFrom: the accountants"


def test_strip_quoted_reply_of_a_bare_quote_is_empty():
    assert strip_quoted_reply("-----Original Message-----\nFrom: x\nSent: y\n\nold") == ""


# --- HTML to text -----------------------------------------------------------------------------------------------


def test_html_to_text_table_list_and_links():
    html = """
    <table><tr><th>Кабінет</th><th>Пристрій</th></tr>
    <tr><td>304</td><td>Принтер &amp; сканер</td></tr></table>
    <ol><li>Увімкніть</li><li>Перевірте<ul><li>кабель</li></ul></li></ol>
    <p><a href="https://example.ua/help">довідка</a>, <a href="https://example.ua/">example.ua</a>,
    <a href="mailto:helpdesk@example.org">helpdesk@example.org</a>, <a href="#top">вгору</a></p>
    <blockquote>Стара<br>цитата</blockquote>
    <pre>  рядок   з
  відступом</pre>
    """
    assert html_to_text(html) == (
        "Кабінет | Пристрій\n"
        "304 | Принтер & сканер\n"
        "\n"
        "1. Увімкніть\n"
        "2. Перевірте\n"
        "  - кабель\n"
        "\n"
        "довідка (https://example.ua/help), example.ua, helpdesk@example.org, вгору\n"
        "\n"
        "> Стара\n"
        "> цитата\n"
        "\n"
        "  рядок   з\n"
        "  відступом"
    )


def test_html_to_text_drops_head_script_and_style_even_when_badly_closed():
    html = "<html><head><title>T</title><style>.x{}</style><body><p>Текст</p><script>var a = '<p>no</p>';</script>"
    assert html_to_text(html) == "Текст"


def test_html_to_text_of_outlook_paragraphs_and_entities():
    html = "<p class=MsoNormal>Добрий&nbsp;день,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p>&lt;тест&gt; &#8212; ok</p>"
    assert html_to_text(html) == "Добрий день,\n\n<тест> — ok"
