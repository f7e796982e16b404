"""Words of the desk kept untranslated and read in the reader's language (domain/messages.py,
issue 16): statuses and other words of the interface translated with the message, times as the
reader's language writes them, and what people typed going in exactly as typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpdesk_tui.domain.messages import Message, render, shown
from helpdesk_tui.i18n import N_, current_language, set_language


@pytest.fixture
def speaking():
    """`speaking(lang)` switches the process's language; the one before comes back afterwards."""
    before = current_language()
    yield set_language
    set_language(before)


def test_a_message_is_read_in_the_readers_language_with_its_words_translated_too(speaking):
    said = Message(N_("Status: {old} → {new}"), old=Message(N_("Registered")), new=Message(N_("Closed")))
    assert said.source_text() == "Status: Registered → Closed"
    assert said.stored_args() == {"old": {"msgid": "Registered"}, "new": {"msgid": "Closed"}}
    speaking("uk")
    assert said.text() == "Статус: Зареєстровано → Закрито"
    assert said.source_text() == "Status: Registered → Closed"  # the store's text stays English
    assert render(said.key, said.stored_args()) == "Статус: Зареєстровано → Закрито"
    speaking("en")
    assert render(said.key, said.stored_args()) == "Status: Registered → Closed"


def test_a_moment_is_written_as_the_readers_language_writes_times(speaking):
    due = Message(N_("Due {due}"), due=datetime(2026, 11, 18, 14, 5, tzinfo=UTC))
    assert due.stored_args() == {"due": {"time": "2026-11-18T14:05:00+00:00"}}
    assert due.source_text() == "Due 2026-11-18 16:05"  # Kyiv
    speaking("uk")
    assert due.text() == "Термін 18.11.2026 16:05"
    assert due.source_text() == "Due 2026-11-18 16:05"


@pytest.mark.parametrize("typed", ["{0}", "{number}", "{sender.__class__}", "[bold]Терміново[/bold]", "}{", "%s"])
def test_typed_values_go_in_as_they_were_typed(speaking, typed):
    said = Message(N_("E-mail from {sender}: {subject}"), sender=typed, subject=typed)
    assert said.source_text() == f"E-mail from {typed}: {typed}"
    speaking("uk")
    assert shown("old text", said.key, said.stored_args()) == f"Лист від {typed}: {typed}"


def test_a_text_without_a_key_is_shown_as_it_was_written(speaking):
    speaking("uk")
    assert shown("Assigned", None, None) == "Assigned"  # an entry written before keys existed
    assert shown("[bold]Передзвонити[/bold] {0}", None, None) == "[bold]Передзвонити[/bold] {0}"


def test_a_translation_that_does_not_fit_its_values_falls_back_to_the_source_text():
    def broken(message: str) -> str:
        return "Статус: {старий} → {new}" if message.startswith("Status") else message

    args = {"old": {"msgid": "Registered"}, "new": {"msgid": "Closed"}}
    assert render("Status: {old} → {new}", args, broken) == "Status: Registered → Closed"
    # values missing altogether (the wording changed since): the text the store kept
    assert shown("Status: A → B", "Status: {old} → {new}", {}) == "Status: A → B"
