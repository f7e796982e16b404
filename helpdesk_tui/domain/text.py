"""Untrusted text made safe to show (rule 7): no terminal control sequence reaches the screen."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# C0 controls (but tab and newline), DEL and the C1 range, including ESC and CSI (U+009B); and
# the characters that are invisible yet reorder or hide text (Trojan Source, CVE-2021-42574): bidi
# marks, embeddings, overrides and isolates, zero-width spaces and joiners, the word joiner and
# invisible operators, the byte-order mark, the interlinear annotation marks, and the line and
# paragraph separators, which some terminals and most readers take for line breaks.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb]"
)


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    if code == 0x7F:
        return "\u2421"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str | None, *, one_line: bool = False) -> str:
    """`text` with control characters replaced by visible stand-ins; optionally on one line."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    if one_line:
        text = " ".join(text.replace("\t", " ").split("\n"))
    return _CONTROL.sub(_stand_in, text)



def without_controls(text: str | None) -> str:
    """`text` on one line with the control characters dropped rather than shown: for documents
    (PDF, spreadsheets), whose fonts have no glyphs for the stand-ins and whose readers would
    only see gaps, and where a stray control character can break the file itself (XLSX)."""
    if not text:
        return ""
    text = " ".join(text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"))
    return _CONTROL.sub("", text)


# Ukrainian to Latin letters (the national transliteration, lower case), for logins.
TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "",
})


def login_from_name(full_name: str) -> str:
    """«Олена Шевченко» → «o.shevchenko»: the login a new person gets unless they have an e-mail."""
    words = [w for w in full_name.casefold().split() if w]
    if not words:
        return ""
    base = words[0][0] + "." + words[-1] if len(words) > 1 else words[0]
    return "".join(c for c in base.translate(TRANSLIT) if c.isalnum() or c in "._-")


_REPLY_PREFIXES = re.compile(r"^\s*((re|fw|fwd|відп|переслати|ответ)\s*:\s*)+", re.IGNORECASE)
_NUMBER_TAGS = re.compile(r"\s*\[(INC|REQ)\d{7}\]\s*", re.IGNORECASE)


def suggested_title(subject: str | None, text: str | None, *, thread_title: str = "", limit: int = 200) -> str:
    """What a question split off a thread (R38) is called unless the analyst names it: its
    subject without «Re:» and our number; its first line when the subject only repeats the
    thread's title (a reply keeps the old subject while asking something new); cut at `limit`."""
    title = " ".join(_NUMBER_TAGS.sub(" ", _REPLY_PREFIXES.sub("", subject or "")).split())
    if not title or title.casefold() == " ".join(thread_title.split()).casefold():
        title = next((" ".join(line.split()) for line in (text or "").splitlines() if line.strip()), title)
    return printable(title, one_line=True)[:limit].rstrip()


def entry_title(kind: str, summary: str, summary_args: Mapping[str, Any] | None, body: str, *, thread_title: str = "",
                limit: int = 200) -> str:
    """suggested_title of a journal entry: an e-mail's subject (kept among its summary's values),
    a note's summary, then the first line of either."""
    subject = (summary_args or {}).get("subject", "") if kind == "email" else summary
    return suggested_title(str(subject or ""), body, thread_title=thread_title, limit=limit)
