"""Translations: the Ukrainian catalog is complete, placeholders survive, the .mo files are current.

When a test here fails after a code change: run `python scripts/i18n.py all`, fill the empty
(or fuzzy) msgstr entries in helpdesk_tui/locale/uk/LC_MESSAGES/helpdesk.po, run `all` again.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.strict_ci import skip_or_fail

try:
    import babel  # noqa: F401
except ImportError:
    skip_or_fail("the translation checks need Babel (the «test» extra)")

from helpdesk_tui import i18n  # noqa: E402
from helpdesk_tui.domain.statuses import IncidentStatus, TaskStatus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HINT = (
    "\nRun `python scripts/i18n.py all`, translate these in "
    "helpdesk_tui/locale/uk/LC_MESSAGES/helpdesk.po (and drop «#, fuzzy»), then run `all` again."
)


def _load_tool():  # type: ignore[no-untyped-def]
    """scripts/i18n.py, the same code the workflow runs (it is not a package)."""
    name = "helpdesk_i18n_tool"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(scope="module")
def source_catalog():  # type: ignore[no-untyped-def]
    """Every string marked in helpdesk_tui/ right now, extracted in-process."""
    return tool.extract_catalog()


@pytest.fixture
def restore_language() -> Iterator[None]:
    before = i18n.current_language()
    try:
        yield
    finally:
        i18n.set_language(before)


# (a) ------------------------------------------------------------------------------------------


def test_source_has_marked_strings(source_catalog) -> None:  # type: ignore[no-untyped-def]
    ids = {m.id for m in source_catalog if m.id}
    # A sanity check that extraction sees _(), N_() (statuses) and the notification templates.
    assert {"Registered", "Support analyst", "[{number}] Resolved: {title}"} <= ids
    assert len(ids) > 100


def test_every_message_has_a_ukrainian_translation(source_catalog) -> None:  # type: ignore[no-untyped-def]
    problems = tool.translation_problems("uk", source_catalog)
    assert not problems, f"{len(problems)} string(s) lack a Ukrainian translation:\n" + "\n".join(problems) + HINT


def test_no_marked_string_hides_in_an_f_string() -> None:
    problems = tool.hidden_strings_in_package()
    assert not problems, "strings the extraction cannot see (so never translated):\n" + "\n".join(problems)


def test_hidden_string_rule_itself() -> None:
    assert tool.hidden_strings('x = f"{n} · {_(\'Add a note\')}"')
    assert tool.hidden_strings('x = _(f"{n} incidents")')
    assert tool.hidden_strings('x = f"{N_(\'Tasks\')} ({n})"')
    assert tool.hidden_strings('x = f"{_(label)} ({n})"') == []  # marked where the label was written
    assert tool.hidden_strings('x = _("{n} incidents").format(n=n)') == []


# (b) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", tool.LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    problems = tool.placeholder_report(lang)
    assert not problems, "translations whose {placeholders} differ from the msgid:\n" + "\n".join(problems)


def test_placeholder_rule_itself() -> None:
    from babel.messages.catalog import Message

    assert tool.placeholders("{number}: «{status}» {{literal}}") == {"number", "status"}
    assert tool.placeholder_problems(Message("{a} and {b}", "{b} і {a}")) == []
    assert tool.placeholder_problems(Message("{a} and {b}", "{a} і {c}"))
    assert tool.placeholder_problems(Message("{a}", "{a"))  # malformed braces
    plural = Message(("One incident", "{n} incidents"), ("{n} інцидент", "{n} інциденти", "{n} інцидентів"))
    assert tool.placeholder_problems(plural) == []
    plural.string = ("один інцидент", "{n} інциденти", "{n} інцидентів")  # wrong for 21, 31, ...
    assert tool.placeholder_problems(plural)


# (c) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", tool.LANGUAGES)
def test_mo_files_are_compiled_from_the_current_po(lang: str) -> None:
    po, mo = tool.po_path(lang), tool.mo_path(lang)
    assert po.is_file(), f"{po} is missing; run `python scripts/i18n.py all`"
    assert mo.is_file(), f"{mo} is missing; run `python scripts/i18n.py compile`"
    expected, expected_plural = tool.mo_messages(tool.mo_bytes(tool.read_catalog(po, lang)))
    actual, actual_plural = tool.mo_messages(mo.read_bytes())
    differ = sorted(
        str(key) for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key)
    )
    assert not differ, f"{mo} is out of date with {po}; run `python scripts/i18n.py compile`. Differs: {differ[:10]}"
    assert expected_plural == actual_plural


def test_catalogs_have_no_line_numbers() -> None:
    for path in [tool.POT_FILE, *(tool.po_path(lang) for lang in tool.LANGUAGES)]:
        locations = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#:")]
        assert not locations, f"{path} has «#:» location comments; write it with scripts/i18n.py"


# (d) ------------------------------------------------------------------------------------------


def test_switching_languages(restore_language: None) -> None:
    i18n.set_language("uk")
    assert i18n.current_language() == "uk"
    assert IncidentStatus.REGISTERED.label == "Зареєстровано"
    assert IncidentStatus.IN_PROGRESS.label == "Виконується робота"
    assert TaskStatus.ACCEPTED.label == "Прийнято"
    assert i18n._("{number} not found").format(number="INC0000001") == "INC0000001 не знайдено"
    i18n.set_language("en")
    assert i18n.current_language() == "en"
    assert IncidentStatus.REGISTERED.label == "Registered"
    assert TaskStatus.ACCEPTED.label == "Accepted"
    i18n.set_language("uk")
    assert IncidentStatus.REGISTERED.label == "Зареєстровано"


def test_unknown_language_is_refused(restore_language: None) -> None:
    with pytest.raises(ValueError):
        i18n.set_language("de")


def test_notification_translator_is_independent_of_the_interface(restore_language: None) -> None:
    i18n.set_language("en")
    assert i18n.translator("uk")("Resolved") == "Вирішено"
    assert i18n.translator("en")("Resolved") == "Resolved"
    body = i18n.translator("uk")(
        "Hello, {name}.\n\n{number} «{title}» is resolved:\n\n{text}\n\n"
        "If the problem is solved, reply with the word CLOSE (ЗАКРИТИ) to close it.\n"
        "If it is not, reply and say what is still wrong: the incident reopens.\n"
        "Without an answer it closes by itself in 5 days."
    )
    assert "ЗАКРИТИ" in body and "5 днів" in body


# (e) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "uk_UA.UTF-8"}, "uk"),
        ({}, "uk"),
    ],
)
def test_language_from_locale(environ: dict[str, str], expected: str) -> None:
    assert i18n.language_from_locale(environ) == expected
