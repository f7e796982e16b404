"""Sort keys for names, so lists of people come in the order Ukrainians expect (R13).

Neither engine sorts Ukrainian by itself: SQLite compares code points (і, ї, є and ґ sit after
я there), PostgreSQL sorts by the database's locale, which is often C or English. A key made
here compares byte by byte on both engines (SQLite's BINARY, PostgreSQL's "C" collation, which
the key columns declare) in the Ukrainian alphabet

    а б в г ґ д е є ж з и і ї й к л м н о п р с т у ф х ц ч ш щ ь ю я

with Latin names before Cyrillic ones, each in its own alphabet, and case, accents and the
apostrophe left out. People sort by surname, then by their other names.
"""

from __future__ import annotations

import unicodedata

UKRAINIAN_ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
# Letters of other Cyrillic alphabets, beside the Ukrainian letter they are closest to.
_CYRILLIC_ORDER = "абвгґдеёєэжзиыіїйклмнопрстуфхцчшщъьюя"
_SAME_AS = {"ё": "е"}
_IGNORED = frozenset("ъ'’ʼ`´")
# Cyrillic letters are written as characters from U+0100 up, in alphabet order: above every
# Latin letter and digit, and in the order of their code points (which UTF-8 keeps byte by byte).
_CYRILLIC = {letter: chr(0x100 + i) for i, letter in enumerate(_CYRILLIC_ORDER)}
_CYRILLIC.update({k: _CYRILLIC[v] for k, v in _SAME_AS.items()})
WORD_BREAK = " "  # between words of one name: before any letter or digit
# The key of nobody (an incident without a caller): after every name, so the empty ones come last
# and the key is never NULL (a NULL-last order is one an index cannot give).
NOBODY = "\ufffd"
NAME_BREAK = "\x01"  # between the surname and the other names: before everything else
_PATRONYMIC_ENDINGS = ("ович", "евич", "йович", "івна", "ївна", "івна", "овна", "ічна", "інічна")


def sort_key(text: str) -> str:
    """A key that orders texts alphabetically, Ukrainian letters in the Ukrainian alphabet."""
    out: list[str] = []
    for char in text.casefold():
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char])
        elif char in _IGNORED:
            continue
        elif char.isspace() or char in "-‐–—":
            if out and out[-1] != WORD_BREAK:
                out.append(WORD_BREAK)
        else:
            # Latin with accents (é, ö) sorts with its base letter; other marks are left out.
            for part in unicodedata.normalize("NFKD", char):
                if part.isascii() and part.isalnum():
                    out.append(part)
    return "".join(out).strip(WORD_BREAK)


def _is_initial(word: str) -> bool:
    return word.endswith(".") and len(word) <= 4


def _is_patronymic(word: str) -> bool:
    return word.casefold().endswith(_PATRONYMIC_ENDINGS)


def split_name(full_name: str) -> tuple[str, str]:
    """(surname, the other names) of a full name as people write it: «Іван Петренко», and the
    formal «Петренко Іван Васильович» and «Петренко І. В.» with the surname first."""
    words = full_name.split()
    if len(words) < 2:
        return full_name.strip(), ""
    rest = words[1:]
    if _is_patronymic(words[-1]) and len(words) >= 3 or all(_is_initial(w) for w in rest):
        return words[0], " ".join(rest)
    return words[-1], " ".join(words[:-1])


def person_sort_key(full_name: str) -> str:
    """Surname, then the other names: «Гнатюк Андрій» before «Їжакевич Іван»."""
    surname, others = split_name(full_name)
    return sort_key(surname) + NAME_BREAK + sort_key(others)
