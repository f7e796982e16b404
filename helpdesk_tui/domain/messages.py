"""Words that are translated where they are read, not where they are written (issue 16).

A journal entry is written once, by whoever made the change (an English-speaking analyst, the
mail intake or the SLA ticker in the deployment's language) and read by everyone, each in their
own language. So an operation keeps the summary as a `Message`: the untranslated text (its
msgid, marked with N_ so the catalogs have it) and the values of its placeholders. A value that
is a word of the interface itself (a status's name, which clock, which notification) is a
`Message` too and is translated with it; a moment (`datetime`) is written as the reader's
language writes times, in the deployment's zone; any other value (a number, a name or subject
someone typed, an address) is kept exactly as given and never translated.

    Message(N_("Status: {old} → {new}"), old=Message(N_("Registered")), new=Message(N_("Closed")))

The store keeps `key` and `stored_args()`; `shown()` gives the text in the reader's language. An
entry written before there were keys keeps its text as it was written, and is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from helpdesk_tui.domain.display import when
from helpdesk_tui.i18n import _


# gettext keeps a word with a context as "context\x04word": a key of that form is translated with
# its context (a request's «В роботі», not an incident's «Виконується робота»).
CONTEXT_SEPARATOR = "\x04"


def in_context(context: str, msgid: str) -> str:
    """The key of a word marked NC_(context, msgid)."""
    return f"{context}{CONTEXT_SEPARATOR}{msgid}"


class Message:
    """An untranslated message and the values of its placeholders."""

    __slots__ = ("key", "args")

    def __init__(self, key: str, /, **args: Message | datetime | str | int | float) -> None:
        self.key = key
        self.args = args

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.args!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.key, self.args) == (other.key, other.args)

    def stored_args(self) -> dict[str, Any] | None:
        """The values as JSON: a literal as it is, a message as {"msgid": ..., "args": ...}, a
        moment as {"time": ISO 8601}."""
        return _encode_args(self.args) or None

    def text(self) -> str:
        """The message in the interface's language."""
        return render(self.key, self.stored_args())

    def source_text(self) -> str:
        """The message in the source language (English), for the store's plain text."""
        return self.stored()[0]

    def stored(self) -> tuple[str, str, dict[str, Any] | None]:
        """What the store keeps: (the English text, the key, the values as JSON)."""
        args = self.stored_args()
        return render(self.key, args, _untranslated, language="en"), self.key, args


def _untranslated(message: str) -> str:
    return message


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {"msgid": value.key, "args": _encode_args(value.args)} if value.args else {"msgid": value.key}
    if isinstance(value, datetime):
        return {"time": value.isoformat()}
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def _encode_args(args: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _encode(value) for name, value in args.items()}


def _decode(value: Any, translate: Callable[[str], str], language: str | None) -> Any:
    if isinstance(value, dict):
        msgid = value.get("msgid")
        if isinstance(msgid, str):  # a word of the interface, translated with the message
            return render(msgid, value.get("args"), translate, language)
        moment = value.get("time")
        if isinstance(moment, str):
            try:
                return when(datetime.fromisoformat(moment), language)
            except ValueError:
                return moment
        return ""
    if value is None:
        return ""
    return value  # a literal: a number, or text as it was typed


def render(key: str, args: Mapping[str, Any] | None, translate: Callable[[str], str] = _,
           language: str | None = None, fallback: str | None = None) -> str:
    """A stored message (`key`, `args` as `Message.stored_args` made them) in the language of
    `translate`; times as `language` writes them (the interface's by default).

    The values go in as values: braces or markup in something typed are never read as
    placeholders or styles. A translation whose placeholders do not fit the stored values (a
    catalog mistake, or a message whose wording changed since) falls back to the source text,
    and that to `fallback` (the text the store kept), then to the key itself.
    """
    values = {name: _decode(value, translate, language) for name, value in (args or {}).items()}
    source = key.rpartition(CONTEXT_SEPARATOR)[2]
    translated = translate(key)  # a key with a context is looked up as gettext keeps it
    for template in (source if translated == key else translated, source):
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            continue
    return fallback or key


def shown(text: str, key: str | None, args: Mapping[str, Any] | None) -> str:
    """What a reader sees of a stored text: the message in their language when there is one
    (`key`), else the text as it was written (a note's summary someone typed; an entry written
    before summaries had keys)."""
    if not key:
        return text
    return render(key, args, fallback=text)
