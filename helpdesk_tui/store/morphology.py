"""A Ukrainian word's dictionary forms, for the search's query side (issue 19).

pymorphy3 with its Ukrainian dictionary knows that «входу» is a form of «вхід» and lists the
lexeme; domain/search_terms.py turns the forms into prefixes. Loading the dictionary reads files
(≈ 0.1 s and +28 MB per process, docs/benchmarks.md), so it lives here rather than in the
domain, and happens once, on the first search of a process. Without pymorphy3 or its
dictionary the search is the stemmer's alone, as before.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_LOCK = threading.Lock()
_loaded: list[Any] = []  # the analyser, or None, once it has been looked for


def analyzer() -> Any | None:
    """pymorphy3's analyser for Ukrainian, loaded on first use; None when it cannot be."""
    if not _loaded:
        with _LOCK:  # the panel's thread workers may ask at the same moment
            if not _loaded:
                _loaded.append(_load())
    return _loaded[0]


def _load() -> Any | None:
    try:
        import pymorphy3

        # Its default reads «г» as «ґ» too; they are letters of their own (domain/search_terms.py).
        return pymorphy3.MorphAnalyzer(lang="uk", char_substitutes={})
    except (ImportError, ValueError):  # ValueError: the package is there, its dictionary is not
        return None


def forms(word: str) -> tuple[tuple[str, ...], ...]:
    """The forms of each lexeme the dictionary has `word` in (lower case, an apostrophe inside
    as «'»); none for a word it does not know (it would guess from the ending)."""
    morph = analyzer()
    return _forms(morph, word) if morph is not None else ()


@functools.lru_cache(maxsize=20_000)
def _forms(morph: Any, word: str) -> tuple[tuple[str, ...], ...]:
    # ≈ 185 µs a word (p95 468 µs); the panel asks again at every keystroke. Readings of one
    # lemma (one per case the form may be in) share a lexeme: it is listed once.
    found: dict[tuple[str, ...], None] = {}
    for reading in morph.parse(word):
        if reading.is_known:
            found.setdefault(tuple(dict.fromkeys(form.word for form in reading.lexeme)), None)
    return tuple(found)
