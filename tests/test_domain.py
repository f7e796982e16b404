"""Pure rules: lifecycle, priority matrix, the filter language, safe text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.errors import ClosedRecord, MissingFields, RuleViolation
from helpdesk_tui.domain.filters import Condition, Filter, format_filter, parse
from helpdesk_tui.domain.priority import PriorityMatrix, check_override
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.domain.text import printable


def test_default_matrix_is_servicenow_3x3():
    m = PriorityMatrix()
    assert [[m.compute(i, u) for u in (1, 2, 3)] for i in (1, 2, 3)] == [[1, 2, 3], [2, 3, 4], [3, 4, 5]]
    assert m.compute(None, 2) is None


def test_matrix_is_configurable_and_checked():
    m = PriorityMatrix.from_rows([[1, 1, 2], [1, 2, 3], [2, 3, 4]])
    assert m.compute(1, 2) == 1
    # Rows are impact, columns urgency: an asymmetric matrix tells them apart.
    lopsided = PriorityMatrix.from_rows([[1, 2, 2], [2, 3, 4], [4, 5, 5]])
    assert [[lopsided.compute(i, u) for u in (1, 2, 3)] for i in (1, 2, 3)] == [[1, 2, 2], [2, 3, 4], [4, 5, 5]]
    assert (lopsided.compute(impact=1, urgency=3), lopsided.compute(impact=3, urgency=1)) == (2, 4)
    with pytest.raises(ValueError):
        PriorityMatrix.from_rows([[1, 2], [3, 4]])
    with pytest.raises(ValueError):
        PriorityMatrix.from_rows([[0, 1, 2], [1, 2, 3], [2, 3, 4]])


def test_override_needs_a_reason():
    with pytest.raises(RuleViolation):
        check_override(2, "")
    with pytest.raises(RuleViolation):
        check_override(7, "why")
    check_override(1, "VIP")


def test_final_statuses_allow_nothing():
    for final in (S.CLOSED, S.CANCELLED):
        assert lifecycle.allowed_targets(final) == frozenset()
        with pytest.raises(ClosedRecord):
            lifecycle.check_transition(final, S.REOPENED, {"reason": "x"})


def test_every_status_is_reachable_from_registered():
    seen, todo = {S.REGISTERED}, [S.REGISTERED]
    while todo:
        for nxt in lifecycle.allowed_targets(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(S)


def test_required_fields_per_target():
    with pytest.raises(MissingFields) as err:
        lifecycle.check_transition(S.IN_PROGRESS, S.INFO_NEEDED, {"question": "  "})
    assert err.value.fields == ["question"]
    lifecycle.check_transition(S.IN_PROGRESS, S.INFO_NEEDED, {"question": "Який кабінет?"})
    with pytest.raises(RuleViolation, match="already"):
        lifecycle.check_transition(S.IN_PROGRESS, S.IN_PROGRESS, {})


def test_filter_line_parses_the_manuals_example():
    flt = parse('status:Зареєстровано група:"Перша лінія підтримки Контакт-центр" принтер')
    assert flt.conditions == (
        Condition("status", "=", "Зареєстровано"),
        Condition("group", "=", "Перша лінія підтримки Контакт-центр"),
    )
    assert flt.text == "принтер"


def test_filter_operators():
    flt = parse("priority<=2 -status:closed,cancelled owner: -caller: short_description~принтер -group:X")
    assert flt.conditions == (
        Condition("priority", "<=", "2"),
        Condition("status", "not in", ["closed", "cancelled"]),
        Condition("owner", "empty"),
        Condition("caller", "not empty"),
        Condition("short_description", "contains", "принтер"),
        Condition("group", "!=", "X"),
    )


def test_an_unknown_field_is_an_error_naming_the_fields():
    with pytest.raises(RuleViolation, match=r"No field «colour»; the fields are: owner, status"):
        parse("colour:red status:registered", known_fields={"status", "owner"})


def test_quoted_words_and_times_with_colons_are_text():
    flt = parse('"http://kb.example/x" 10:30 status:registered', known_fields={"status"})
    assert flt.text == "http://kb.example/x 10:30" and len(flt.conditions) == 1
    assert parse(format_filter(flt), known_fields={"status"}) == flt  # the quotes come back


def test_unbalanced_quotes_are_a_clear_error():
    with pytest.raises(RuleViolation, match="quotes"):
        parse('group:"Перша')


_values = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" -'"),
                  min_size=1, max_size=12).map(str.strip).filter(bool)


@given(st.lists(st.tuples(st.sampled_from(["status", "group", "owner", "priority"]),
                          st.sampled_from(["=", "!=", "contains", "<", ">="]), _values), max_size=4))
def test_format_then_parse_gives_the_same_filter(items):
    flt = Filter(tuple(Condition(f, op, v) for f, op, v in items))
    assert parse(format_filter(flt)) == flt


def test_printable_neutralises_terminal_escapes():
    hostile = "Тема\x1b[2J\x1b[31mRED\x9b1m\x07\x00"
    shown = printable(hostile)
    assert "\x1b" not in shown and "\x9b" not in shown and "\x07" not in shown and "\x00" not in shown
    assert shown.startswith("Тема␛[2J␛[31mRED")
    assert printable("a\r\nb\tc", one_line=True) == "a b c"
    assert printable("[red]x[/]") == "[red]x[/]"


def test_apostrophes_are_letters_in_filters():
    flt = parse("group:\"Мережі та зв'язок\" зв'язок")
    assert flt.conditions == (Condition("group", "=", "Мережі та зв'язок"),)
    assert flt.text == "зв'язок"
    assert parse('group:"a,b"').conditions == (Condition("group", "=", "a,b"),)


def test_counts_are_written_the_way_each_language_writes_them():
    from helpdesk_tui.domain.display import number
    from helpdesk_tui.i18n import set_language

    set_language("uk")
    assert number(1234567) == "1\u202f234\u202f567"
    set_language("en")
    assert number(1234567) == "1,234,567" and number(999) == "999"
