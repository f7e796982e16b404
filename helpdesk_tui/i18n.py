"""Translations: gettext catalogs for Ukrainian and English.

Source strings are English; the Ukrainian catalog is complete (R44). The language is chosen once
per process (`--lang`, HELPDESK_LANG, the config file or the locale) and can be switched later.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "helpdesk"
LANGUAGES = ("uk", "en")
DEFAULT_LANGUAGE = "uk"

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_current_lang = "en"
# A language for one piece of work only (a web request of the callers' portal, served beside
# others in other languages): set with `using_language`, it wins over the process's language.
_local: ContextVar[tuple[str, _gettext.NullTranslations] | None] = ContextVar("helpdesk_language", default=None)


def language_from_locale(environ: dict[str, str] | None = None) -> str:
    """The language the locale asks for; Ukrainian unless it clearly asks for English."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        first = value.split(":")[0].lower()
        if first.startswith("en"):
            return "en"
        if first.startswith("uk"):
            return "uk"
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    global _current, _current_lang
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current = _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)
    _current_lang = lang


def current_language() -> str:
    local = _local.get()
    return local[0] if local is not None else _current_lang


@functools.lru_cache(maxsize=8)
def _catalog(lang: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


@contextmanager
def using_language(lang: str) -> Iterator[None]:
    """`_()` and friends speak `lang` in this context (this thread or task) until the block ends,
    whatever the process's language: each portal request in its caller's language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    token = _local.set((lang, _catalog(lang)))
    try:
        yield
    finally:
        _local.reset(token)


def _catalog_now() -> _gettext.NullTranslations:
    local = _local.get()
    return local[1] if local is not None else _current


def _(message: str) -> str:
    return _catalog_now().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog_now().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A word that reads differently in one place («В роботі» for a request, «Виконується робота»
    for an incident): the context tells the translator where."""
    return _catalog_now().pgettext(context, message)


def NC_(context: str, message: str) -> str:
    """Mark a string with its context for extraction; `pgettext(context, message)` shows it."""
    return message


class ContextLabels(dict):  # type: ignore[type-arg]
    """Labels (code → msgid) that read differently elsewhere: each is shown with its context."""

    def __init__(self, context: str, labels: dict) -> None:  # type: ignore[type-arg]
        super().__init__(labels)
        self.context = context


def label_of(labels: dict, code: object) -> str:  # type: ignore[type-arg]
    """`labels[code]` in the interface's language, with the labels' context if they have one."""
    context = getattr(labels, "context", None)
    return pgettext(context, labels[code]) if context else _(labels[code])


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@functools.lru_cache(maxsize=8)
def translator(lang: str):  # type: ignore[no-untyped-def]
    """A gettext function for one language, independent of the interface's language
    (notifications go out in the recipient's language)."""
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True).gettext


@functools.lru_cache(maxsize=8)
def context_translator(lang: str):  # type: ignore[no-untyped-def]
    """`translator` for words with a context: (context, message) → text in `lang`."""
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True).pgettext
