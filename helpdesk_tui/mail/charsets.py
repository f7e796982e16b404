"""Bytes of doubtful encoding made into text, with a note whenever we had to guess.

Ukrainian mail still arrives from old mailers, gateways and 1C-style report generators that
omit the charset, declare us-ascii or latin-1 for windows-1251 text, or mix up the KOI8
variants. Decoding such text as latin-1 gives something nobody can read, so we guess among the
encodings that actually occur here, and say in a note that we guessed.

Pure: no I/O. Nothing here raises on bad bytes; the last resort is errors="replace".
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

UTF8 = "utf-8"
CP1251 = "windows-1251"
KOI8R = "koi8-r"
KOI8U = "koi8-u"
WESTERN = "windows-1252"

# Order matters on a tie: koi8-r before koi8-u because both give the same text unless one of
# the eight Ukrainian letters occurs, and then koi8-u wins on its score anyway.
SINGLE_BYTE_CANDIDATES = (CP1251, KOI8R, KOI8U, WESTERN)

_CYRILLIC_SINGLE_BYTE = frozenset({CP1251, KOI8R, KOI8U, "iso8859-5", "cp866", "mac-cyrillic"})
# Labels that mailers put on windows-1251 text more often than one would hope.
_OFTEN_MISLABELLED = frozenset({WESTERN, "latin-1", "iso8859-15", "ascii"})

# Labels Python does not know, or knows as a narrower encoding than the senders really use
# (the WHATWG encoding standard makes the same choices, for the same reason).
_LABEL_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "utf7": "utf-7",
    "utf8": UTF8,
    "utf-8": UTF8,
    "x-unicode20utf8": UTF8,
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-1": WESTERN,
    "iso8859-1": WESTERN,
    "iso_8859-1": WESTERN,
    "latin1": WESTERN,
    "latin-1": WESTERN,
    "l1": WESTERN,
    "cp819": WESTERN,
    "windows-1252": WESTERN,
    "cp1252": WESTERN,
    "x-cp1252": WESTERN,
    "win-1251": CP1251,
    "windows1251": CP1251,
    "cp-1251": CP1251,
    "x-cp1251": CP1251,
    "cp1251": CP1251,
    "windows-1251": CP1251,
    "koi8": KOI8R,
    "koi8r": KOI8R,
    "koi8-r": KOI8R,
    "koi8u": KOI8U,
    "koi8-u": KOI8U,
    "koi8-ru": KOI8U,
    "x-mac-cyrillic": "mac-cyrillic",
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "chinese": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "big5": "cp950",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
}


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str
    note: str | None = None  # set when the declared charset was not simply followed


def codec_for_label(label: str | None) -> str | None:
    """The codec to use for a MIME charset label; None when the label names nothing we know."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").strip().lower()
    if not cleaned:
        return None
    for candidate in (cleaned, re.sub(r"^(x-|iso-)", "", cleaned)):  # x-gbk, iso-gb2312
        if candidate in _LABEL_ALIASES:
            return _LABEL_ALIASES[candidate]
        try:
            name = codecs.lookup(candidate).name
        except (LookupError, ValueError):
            continue
        return _LABEL_ALIASES.get(name, name)
    return None


def decode_declared(data: bytes, label: str | None, *, hints: tuple[str, ...] = ()) -> Decoded:
    """`data` decoded by its declared charset `label`, guessing when that is missing or wrong.

    `hints` are charsets seen elsewhere in the same message: senders that leave out one
    declaration mostly use the same charset everywhere.
    """
    codec = codec_for_label(label)
    if codec is None or codec == "ascii":
        if data.isascii():
            return Decoded(data.decode("ascii"), "ascii")
        guessed = guess(data, hints=hints)
        return Decoded(guessed.text, guessed.charset, _why_guessed(label, codec, guessed))
    text = _strict(data, codec)
    if text is None:
        return _decode_invalid(data, label or codec, codec, hints)
    better = _better_cyrillic_reading(data, codec, text) or _ukrainian_in_koi8r(data, codec, text)
    if better is not None:
        note = f"text declared as {label} reads as {better.charset}; decoded as {better.charset}"
        return Decoded(better.text, better.charset, note)
    return Decoded(text, codec)


def guess(data: bytes, *, hints: tuple[str, ...] = ()) -> Decoded:
    """The most plausible reading of undeclared bytes: UTF-8 if valid, else the likeliest other."""
    if data.isascii():
        return Decoded(data.decode("ascii"), "ascii")
    text = _strict(data, UTF8)
    if text is not None:
        return Decoded(text, UTF8)
    best = _most_plausible(data, _candidates(hints), preferred=_codecs(hints))
    if best is not None:
        return best
    return Decoded(data.decode(UTF8, errors="replace"), UTF8, "undecodable bytes replaced with U+FFFD")


def _why_guessed(label: str | None, codec: str | None, guessed: Decoded) -> str:
    if not label:
        return f"no charset declared for 8-bit text; guessed {guessed.charset}"
    if codec == "ascii":
        return f"declared {label} but has 8-bit bytes; guessed {guessed.charset}"
    return f"unknown charset {label!r}; guessed {guessed.charset}"


def _decode_invalid(data: bytes, label: str, codec: str, hints: tuple[str, ...]) -> Decoded:
    """Bytes that are not valid in their declared charset."""
    as_utf8 = _strict(data, UTF8)
    if as_utf8 is not None:
        return Decoded(as_utf8, UTF8, f"bytes are not valid {label} but valid UTF-8; decoded as UTF-8")
    for sibling in _SIBLINGS.get(codec, ()):
        text = _strict(data, sibling)
        if text is not None:
            return Decoded(text, sibling, f"bytes are not valid {label} but valid {sibling}; decoded as {sibling}")
    # A few stray bytes in otherwise proper text: keep the declared reading for the rest.
    if not _is_single_byte(codec) and (codec != UTF8 or _damaged_utf8(data)):
        return Decoded(data.decode(codec, errors="replace"), codec, f"bytes invalid for {label} replaced with U+FFFD")
    best = _most_plausible(data, _candidates((codec, *hints)), preferred=_codecs(hints))
    if best is None:
        return Decoded(data.decode(codec, errors="replace"), codec, f"bytes invalid for {label} replaced with U+FFFD")
    return Decoded(best.text, best.charset, f"bytes are not valid {label}; guessed {best.charset}")


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes, rather than another encoding: single-byte Cyrillic text
    makes a valid UTF-8 sequence only by accident, and far less often than an invalid one."""
    replaced = data.decode(UTF8, errors="replace")
    bad = replaced.count("\ufffd")
    valid = sum(1 for ch in replaced if ord(ch) > 0x7F) - bad
    return valid >= 3 * bad


def _is_single_byte(codec: str) -> bool:
    return codec in _CYRILLIC_SINGLE_BYTE or codec in _OFTEN_MISLABELLED or codec.startswith(("iso8859", "cp12"))


def _codecs(labels: tuple[str, ...]) -> tuple[str, ...]:
    found = (codec_for_label(label) for label in labels)
    return tuple(dict.fromkeys(c for c in found if c and c not in ("ascii", UTF8)))


def _candidates(hints: tuple[str, ...]) -> tuple[str, ...]:
    """Hinted charsets (and their look-alikes) first, then the usual suspects of this region."""
    hinted = _codecs(hints)
    related = (sibling for codec in hinted for sibling in _SIBLINGS.get(codec, ()))
    return tuple(dict.fromkeys((*hinted, *related, *SINGLE_BYTE_CANDIDATES)))


def _most_plausible(data: bytes, candidates: tuple[str, ...], *, preferred: tuple[str, ...] = ()) -> Decoded | None:
    """The reading that looks most like natural text; a hinted one wins unless clearly worse."""
    scored: list[tuple[float, Decoded]] = []
    for codec in candidates:
        text = _strict(data, codec)
        if text is not None:
            scored.append((plausibility(text[:_SCORED_CHARACTERS]), Decoded(text, codec)))
    if not scored:
        return None
    best_score, best = max(scored, key=lambda item: item[0])  # max keeps the first of equals
    hinted = [item for item in scored if item[1].charset in preferred]
    if hinted:
        hinted_score, hinted_best = max(hinted, key=lambda item: item[0])
        if hinted_score >= best_score - _HINT_MARGIN:
            return hinted_best
    return best


# Scoring a few thousand characters is as telling as scoring a whole report, and much cheaper.
_SCORED_CHARACTERS = 20_000
# Short texts (a subject of two words) score noisily; a charset seen elsewhere in the message
# is then the better evidence.
_HINT_MARGIN = 0.3

# Encodings that mailers mix up with each other: a label from one, bytes from the other.
_SIBLINGS = {
    "iso2022_jp": ("cp932", "euc_jp"),
    "euc_jp": ("cp932",),
    "cp932": ("euc_jp",),
    "gb18030": ("cp950",),
    "cp950": ("gb18030",),
    "big5hkscs": ("gb18030",),
    "cp949": ("gb18030",),
    KOI8R: (KOI8U,),
}


def _ukrainian_in_koi8r(data: bytes, codec: str, text: str) -> Decoded | None:
    """KOI8-U text labelled KOI8-R: its і, ї, є, ґ come out as box drawing inside words.

    Pseudo-graphics in real KOI8-R text (tables drawn in a mail) stand between spaces and other
    box characters, never between letters, so they are left alone.
    """
    if codec != KOI8R or not _SYMBOL_INSIDE_WORD.search(text):
        return None
    ukrainian = data.decode(KOI8U)
    if plausibility(ukrainian) <= plausibility(text):
        return None
    return Decoded(ukrainian, KOI8U)


def _better_cyrillic_reading(data: bytes, codec: str, text: str) -> Decoded | None:
    """A Cyrillic reading of single-byte text that its declared charset turns into gibberish.

    Only for labels that are commonly wrong on Cyrillic text, only when the declared reading is
    implausible and another is clearly better. Correctly labelled German or French keeps its
    label: its accented letters are a minority and its words read as words.
    """
    if data.isascii():
        return None
    if codec in _OFTEN_MISLABELLED:
        if _share_of_high_letters(data) < 0.3:
            return None
        implausible_below = 0.9  # real Western text scores about 1.0
    elif codec in _CYRILLIC_SINGLE_BYTE:
        implausible_below = 1.2  # real Cyrillic text scores 1.5 to 2.0, a misread one about 1.0
    else:
        return None
    declared_score = plausibility(text[:_SCORED_CHARACTERS])
    if declared_score >= implausible_below:
        return None
    best = _most_plausible(data, tuple(c for c in SINGLE_BYTE_CANDIDATES if c != WESTERN))
    if best is None or best.charset == codec:
        return None
    if plausibility(best.text[:_SCORED_CHARACTERS]) < declared_score + 0.5:
        return None
    return best


def _share_of_high_letters(data: bytes) -> float:
    """Share of letter-like bytes that are 8-bit: Cyrillic single-byte text is mostly 8-bit."""
    high = sum(1 for b in data if b >= 0xC0)
    ascii_letters = sum(1 for b in data if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
    total = high + ascii_letters
    return high / total if total else 0.0


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        if codec == WESTERN:
            # windows-1252 leaves five bytes undefined; latin-1 gives them their C1 code points.
            return data.decode("latin-1")
        return None
    except LookupError:
        return None


# --- how natural a decoded text looks -------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Non-ASCII characters that turn up in ordinary Ukrainian, Russian, Western and CJK text (as a
# regular expression class); anything else outside letters (box drawing, superscripts, C1
# controls, ¤, ¦ …) is a sign of misreading.
_ORDINARY_SYMBOLS = (
    "«»„“”‘’‚–—…№€°§©®™•·±×\u00a0\u00ad"
    "\u2000-\u206f"  # general punctuation: dashes, quotes, spaces
    "\u3000-\u303f"  # CJK punctuation: 、。「」
    "\uff00-\uffef"  # full-width forms: ：（）
)
_ODD_SYMBOL = re.compile(rf"[^\x00-\x7f{_ORDINARY_SYMBOLS}]")
# Letter pairs are what tells a right Cyrillic reading from a wrong one: a misread single-byte
# text keeps its length and word shapes but scrambles which letters they are, and most of the
# pairs it produces (ьр, нф, ъб …) hardly ever occur. The pairs are counted once, at import, in
# this sample of ordinary help desk Ukrainian and Russian and their commonest short words. All-
# capital text gives no case hints, so for it this is what decides.
_SAMPLE_TEXT = """
Добрий день! Прошу допомогти з налаштуванням поштової скриньки на новому ноутбуці. Після
оновлення системи програма не відкривається, а на екрані з'являється повідомлення про помилку.
Ми вже перевіряли мережеве підключення, пароль змінювали вчора ввечері. Чи можете ви
підказати, що ще потрібно зробити? Також у нашому відділі не працює спільний принтер, який
стоїть біля вікна: він друкує порожні аркуші. Наш бухгалтер чекає на документи до кінця тижня,
тому справа термінова. Якщо потрібна додаткова інформація, телефонуйте будь-коли, я на місці з
дев'ятої ранку. Дякуємо за швидку відповідь і гарну роботу вашої служби підтримки. Із повагою,
Олена Григорівна, відділ кадрів, кабінет двісті дванадцять. Заявку зареєстровано, інженер
прийде завтра після обіду. Користувач повідомив, що доступ до бази даних відновлено, проблему
вирішено, звернення можна закрити. Електронний підпис сертифіката закінчується наступного
місяця, його треба поновити. Їхні працівники отримали нові облікові записи; ґрунтовна перевірка
показала, що все гаразд. Будь ласка, надішліть знімок екрана та опис дій, після яких виникає
збій. Вибачте за незручності, ми вже працюємо над цим питанням і повідомимо про результат.
Здравствуйте! Прошу помочь с настройкой почтового ящика на новом ноутбуке. После обновления
системы программа не открывается, а на экране появляется сообщение об ошибке. Мы уже проверяли
сетевое подключение, пароль меняли вчера вечером. Не могли бы вы подсказать, что ещё нужно
сделать? Также в нашем отделе не работает общий принтер, который стоит у окна: он печатает
пустые листы. Наш бухгалтер ждёт документы до конца недели, поэтому дело срочное. Если нужна
дополнительная информация, звоните в любое время, я на месте с девяти утра. Спасибо за быстрый
ответ и хорошую работу вашей службы поддержки. С уважением, Елена Григорьевна, отдел кадров.
Заявка зарегистрирована, инженер придёт завтра после обеда. Пользователь сообщил, что доступ к
базе данных восстановлен, проблема решена, обращение можно закрыть. Электронная подпись
сертификата истекает в следующем месяце, её нужно продлить. Пожалуйста, пришлите снимок экрана
и описание действий, после которых возникает сбой. Извините за неудобства, мы уже занимаемся
этим вопросом и сообщим о результате. Объявление о съезде, въезд через подъезд.
це що як та але ми ви він вона вони його її їх цей ця ці той тут там так ні вже ще коли де чому
бо або якщо щоб чи має може треба дуже добре люди людина юридичний сьогодні завтра вчора
это что как но мы вы он она они его её их этот эта эти тот здесь там так нет уже ещё когда где
почему потому или если чтобы ли есть может надо очень хорошо люди человек сегодня завтра вчера
"""


def _bigram_weights(sample: str) -> dict[str, float]:
    """1.0 for a pair seen often in the sample, less for one seen once (it may be a fluke)."""
    counts: dict[str, int] = {}
    for word in re.findall(r"[^\W\d_]+", sample.lower().replace("'", "")):
        for i in range(len(word) - 1):
            pair = word[i : i + 2]
            counts[pair] = counts.get(pair, 0) + 1
    return {pair: min(count, 3) / 3 for pair, count in counts.items()}


_BIGRAM_WEIGHTS = _bigram_weights(_SAMPLE_TEXT)


def plausibility(text: str) -> float:
    """A score, higher for text that looks like a natural language; about 2 for clean Cyrillic prose."""
    letters = 0
    sensible = 0
    for word in _WORD.findall(text):
        letters += len(word)
        if _is_sensible_word(word):
            sensible += len(word)
    score = sensible / letters if letters else 0.5
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)
    if non_ascii:
        score -= 2.0 * _odd_symbols(text) / non_ascii
        score -= 4.0 * len(_SYMBOL_INSIDE_WORD.findall(text)) / non_ascii
    # Letter pairs speak for Cyrillic text only in proportion to how much of it is Cyrillic.
    cyrillic_share = len(_CYRILLIC.findall(text)) / letters if letters else 0.0
    return score + cyrillic_share * _common_bigram_share(text) + 0.05 * _lower_share_of_cyrillic(text)


def _odd_symbols(text: str) -> int:
    return sum(1 for ch in _ODD_SYMBOL.findall(text) if not ch.isalpha())


# вс╕м: KOI8-U's і read as KOI8-R; a word never has a symbol between its letters.
_SYMBOL_INSIDE_WORD = re.compile(rf"(?<=[^\W\d_])[^\w\s\x00-\x7f{_ORDINARY_SYMBOLS}](?=[^\W\d_])")
# No Ukrainian or Russian word starts with these; misread text often does.
_NO_WORD_STARTS_WITH = frozenset("ьъыЬЪЫ")


def _is_sensible_word(word: str) -> bool:
    cyrillic = len(_CYRILLIC.findall(word))
    latin = len(_LATIN.findall(word))
    if cyrillic and latin:
        return False  # one script per word; a mix is what a wrong code page produces
    if not _natural_case(word):
        return False  # пРИВІТ: KOI8 read as windows-1251 (or back) swaps the case
    if word[0] in _NO_WORD_STARTS_WITH:
        return False
    if latin and len(word) >= 4:
        accented = sum(1 for ch in word if ord(ch) > 0x7F)
        return accented * 2 <= len(word)  # Ïðèâ³ò: windows-1251 read as latin-1
    return True


def _natural_case(word: str) -> bool:
    if word.lower() == word.upper():
        return True  # Chinese, Japanese: no case at all
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


def _common_bigram_share(text: str) -> float:
    pairs = 0
    common = 0.0
    for word in _WORD.findall(text.lower()):
        if not _CYRILLIC.match(word):
            continue
        for i in range(len(word) - 1):
            pairs += 1
            common += _BIGRAM_WEIGHTS.get(word[i : i + 2], 0.0)
    return common / pairs if pairs else 0.0


def _lower_share_of_cyrillic(text: str) -> float:
    cyrillic = _CYRILLIC.findall(text)
    if not cyrillic:
        return 0.0
    return sum(1 for ch in cyrillic if ch.islower()) / len(cyrillic)
