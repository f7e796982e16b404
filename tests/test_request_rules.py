"""The request lifecycle's rules, pure (domain/requests.py, domain/catalog.py, domain/catalog_file.py),
property-based where it fits: any walk through the transitions, any set of approval decisions,
any value typed into any kind of field."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from helpdesk_tui.domain.catalog import FieldDef, clean_value, fill_template
from helpdesk_tui.domain.catalog_file import read_catalog
from helpdesk_tui.domain.errors import ClosedRecord, MissingFields, RuleViolation
from helpdesk_tui.domain.requests import (
    ACTIVE,
    DONE,
    FINAL,
    TRANSITIONS,
    ApprovalState,
    RequestStatus as S,
    approval_outcome,
    check_transition,
    stage_finished,
)

WITH_REASON = {"reason": "бо так", "comment": "бо так"}


@given(st.lists(st.sampled_from(list(S)), max_size=12))
def test_any_walk_moves_only_along_the_transitions_and_nothing_leaves_a_final_status(targets):
    current = S.REGISTERED
    for target in targets:
        try:
            check_transition(current, target, WITH_REASON, number="REQ1")
        except ClosedRecord:
            assert current in FINAL
            continue
        except RuleViolation:
            assert target not in TRANSITIONS[current] or target == current
            continue
        assert target in TRANSITIONS[current] and current not in FINAL
        current = target


def test_active_and_done_split_every_status_as_the_seed_does():
    assert ACTIVE | DONE == set(S) and not ACTIVE & DONE
    assert {s.value for s in ACTIVE} == {"registered", "in_progress", "awaiting_approval"}
    assert all(not TRANSITIONS[s] for s in FINAL)


@pytest.mark.parametrize(("current", "target", "missing"), [
    (S.IN_PROGRESS, S.CANCELLED, "reason"), (S.AWAITING_APPROVAL, S.REJECTED, "comment"),
    (S.IMPLEMENTED, S.IN_PROGRESS, "reason"),
])
def test_a_move_that_needs_words_says_which(current, target, missing):
    with pytest.raises(MissingFields) as refused:
        check_transition(current, target, {}, number="REQ1")
    assert refused.value.fields == [missing]


decisions = st.lists(st.sampled_from([ApprovalState.REQUESTED, ApprovalState.APPROVED, ApprovalState.REJECTED]),
                     min_size=1, max_size=6)


@given(decisions)
def test_any_one_approver_decides_and_a_rejection_always_wins(states):
    outcome = approval_outcome("any", states)
    if ApprovalState.REJECTED in states:
        assert outcome is ApprovalState.REJECTED
    elif ApprovalState.APPROVED in states:
        assert outcome is ApprovalState.APPROVED
    else:
        assert outcome is None


@given(decisions)
def test_all_approvers_must_approve(states):
    outcome = approval_outcome("all", states)
    if ApprovalState.REJECTED in states:
        assert outcome is ApprovalState.REJECTED
    elif all(s is ApprovalState.APPROVED for s in states):
        assert outcome is ApprovalState.APPROVED
    else:
        assert outcome is None


@given(st.lists(st.sampled_from(["open", "accepted", "completed", "cancelled"]), max_size=5))
def test_a_stage_is_finished_only_when_every_task_is(statuses):
    assert stage_finished(statuses) == (bool(statuses) and all(s in ("completed", "cancelled") for s in statuses))



@given(st.text(max_size=30))
def test_any_text_in_any_field_is_stored_or_refused_with_the_field_named(text):
    kinds = ["text", "long_text", "number", "date", "choice", "choices", "yes_no", "person"]
    for kind in kinds:
        definition = FieldDef(name="f", kind=kind, label={"uk": "Поле"}, options=("Так", "Ні") if "choice" in kind else ())
        try:
            clean_value(definition, text)
        except RuleViolation as refused:
            assert refused.field == "f" and "Поле" in refused.message


@given(st.text(max_size=40))
def test_a_typed_value_goes_into_a_task_title_literally(value):
    assert fill_template("Доступ для {who}", {"who": value}) == f"Доступ для {value}"


@pytest.mark.parametrize("text", ["", "x = 1", "[[item]]\n", "[[item]]\ncode = 5\n", "[item]\ncode='a'\n",
                                  "[[item]]\ncode = \"a\"\nname = [1]\ngroup = \"G\"\n[[item.field]]\nname = \"X\"\n"])
def test_a_broken_catalog_file_gives_lines_not_exceptions(text):
    items, problems = read_catalog(text, "c.toml")
    assert problems and all(p.startswith("c.toml:") for p in problems)
