"""Problems (issue 19): registered alone or from an incident, analysed to a root cause and a
workaround, resolved with a solution that resolves their open incidents in one transaction (each
journaled and its caller told; settled ones skipped and named; one refusal refuses all)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from helpdesk_tui.cli import main
from helpdesk_tui.desk import incidents, knowledge, problems
from helpdesk_tui.domain.errors import ClosedRecord, MissingFields, NotFound, PermissionDenied, RuleViolation, StaleVersion
from helpdesk_tui.domain.field_values import field_name, shown_value
from helpdesk_tui.domain.problem_status import TRANSITIONS, ProblemStatus, check_transition
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import current_language, set_language
from helpdesk_tui.store.models import FieldChange, Incident, JournalEntry, OutboxMessage, Person, Problem, RecordLink
from tests.world import seed

FULL = {"root_cause": "Сертифікат сервера прострочено", "workaround": "Увійти через резервний вузол",
        "solution": "Оновлено сертифікат"}


@given(st.lists(st.sampled_from(list(ProblemStatus)), max_size=12))
def test_a_problem_moves_only_along_its_lifecycle(moves):
    current = ProblemStatus.REGISTERED
    for target in moves:
        allowed = target in TRANSITIONS[current]
        try:
            check_transition(current, target, FULL, number="PRB1")
        except ClosedRecord:
            assert current is ProblemStatus.CLOSED
            continue
        except RuleViolation:
            assert not allowed
            continue
        assert allowed and target is not current
        current = target
    # Closed is the end, and the end is reachable from anywhere else.
    assert not TRANSITIONS[ProblemStatus.CLOSED]
    assert all(ProblemStatus.CLOSED in TRANSITIONS[s] for s in ProblemStatus if s is not ProblemStatus.CLOSED)


@given(st.sampled_from([(s, t) for s in ProblemStatus for t in TRANSITIONS[s]]))
def test_a_move_lacking_what_its_status_needs_names_it(move):
    current, target = move
    if target in (ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED):
        with pytest.raises(MissingFields):
            check_transition(current, target, {}, number="PRB1")
    else:
        check_transition(current, target, {}, number="PRB1")


def test_the_labels_are_the_desks_words():
    before = current_language()
    set_language("uk")
    try:
        assert [s.label for s in ProblemStatus] == ["Зареєстровано", "Аналіз", "Відома помилка", "Вирішено", "Закрито"]
    finally:
        set_language(before)


def test_the_journal_names_a_problems_statuses_and_an_items_kind():
    before = current_language()
    set_language("uk")
    try:
        assert shown_value("status", "known_error", kind="problem") == "Відома помилка"
        assert shown_value("kind", "printer", kind="configuration_item") == "Принтер"
        assert field_name("root_cause") == "Першопричина"
    finally:
        set_language(before)


@pytest.fixture
def desk(db):
    return db, seed(db)


def _incident(s, w, text, **kw):
    return incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                       short_description=text, impact=2, urgency=2, **kw)


def test_a_problem_from_an_incident_goes_through_its_lifecycle_journaled(desk):
    db, w = desk
    with db.write() as s:
        inc = _incident(s, w, "Не входить в ЕТС")
        problem = problems.register_problem(s, w.analyst, short_description="Збої входу в ЕТС", incident=inc,
                                            configuration_item=w.item)
        assert (problem.number, problem.status, problem.configuration_item_id) == ("PRB0000001", "registered",
                                                                                    w.item.id)
        link = s.execute(select(RecordLink).where(RecordLink.to_kind == "problem")).scalar_one()
        assert (link.from_kind, link.from_id, link.to_id) == ("incident", inc.id, problem.id)
        problems.change_status(s, w.analyst, problem, ProblemStatus.ANALYSIS)
        with pytest.raises(MissingFields, match="Root cause"):
            problems.change_status(s, w.analyst, problem, ProblemStatus.KNOWN_ERROR)
        problems.update_problem(s, w.colleague, problem, expected_version=2, root_cause="Прострочений сертифікат")
        with pytest.raises(StaleVersion):
            problems.update_problem(s, w.analyst, problem, expected_version=2, workaround="Інший вузол")
        problems.change_status(s, w.analyst, problem, "known_error", workaround="Увійти через резервний вузол")
        with pytest.raises(RuleViolation, match="required"):
            problems.update_problem(s, w.analyst, problem, workaround="  ")
        with pytest.raises(RuleViolation, match="solution"):
            problems.update_problem(s, w.analyst, problem, solution="Зарано")
        problem_id = problem.id
    with db.read() as s:
        problem = s.get(Problem, problem_id)
        assert (problem.status, problem.version) == ("known_error", 4)
        changes = s.execute(select(FieldChange.field, FieldChange.old_value, FieldChange.new_value)
                            .join(JournalEntry, JournalEntry.id == FieldChange.entry_id)
                            .where(JournalEntry.record_kind == "problem", JournalEntry.record_id == problem_id)
                            .order_by(FieldChange.id)).all()
        assert ("root_cause", "", "Прострочений сертифікат") in changes
        assert ("status", "analysis", "known_error") in changes
        assert ("incidents", None, inc.number) in changes
    with db.write() as s:
        problem = problems.close_problem(s, w.analyst, s.get(Problem, problem_id))
        assert problem.closed_at is not None
        with pytest.raises(ClosedRecord):
            problems.update_problem(s, w.analyst, problem, description="пізно")


def test_resolving_a_problem_resolves_its_open_incidents_and_skips_the_settled(desk):
    db, w = desk
    with db.write() as s:
        open_one, second, done = (_incident(s, w, t) for t in ("Не входить 1", "Не входить 2", "Не входить 3"))
        problem = problems.register_problem(s, w.analyst, short_description="Збої входу", incident=open_one)
        problems.link_incident(s, w.analyst, problem, second)
        problems.link_incident(s, w.analyst, problem, done)
        with pytest.raises(RuleViolation, match="already"):
            problems.link_incident(s, w.analyst, problem, done)
        incidents.resolve_incident(s, w.analyst, done, solution="сам", reason_code="advice",
                                   resolve_with_open_tasks=False)
        incidents.close_incident(s, w.analyst, done)
        assert [i.number for i in problems.problem_incidents(s, problem)] == [open_one.number, second.number,
                                                                              done.number]
        ids = (problem.id, open_one.id, second.id, done.id)
    with db.write() as s:
        outcome = problems.resolve_problem(s, w.colleague, ids[0], solution="Оновлено сертифікат",
                                           resolve_incidents=True)
        assert outcome.resolved == ["INC0000001", "INC0000002"]
        assert [n for n, _label in outcome.skipped] == ["INC0000003"]
    with db.read() as s:
        assert s.get(Problem, ids[0]).status == "resolved" and s.get(Problem, ids[0]).resolved_at is not None
        for incident_id in ids[1:3]:
            inc = s.get(Incident, incident_id)
            assert (inc.status, inc.solution, inc.reason_code) == ("resolved", "Оновлено сертифікат", "permanent_fix")
            entry = s.execute(select(JournalEntry).where(JournalEntry.record_kind == "incident",
                                                         JournalEntry.record_id == incident_id,
                                                         JournalEntry.status_to == "resolved")).scalar_one()
            assert entry.author_id == w.colleague.id
            mails = s.execute(select(OutboxMessage.template).where(OutboxMessage.record_id == incident_id,
                                                                   OutboxMessage.template == "resolved")).all()
            assert len(mails) == 1
        assert s.get(Incident, ids[3]).status == "closed"
    with db.write() as s:  # a later incident like them takes the problem's fix, not its workaround
        later = _incident(s, w, "Не входить знову")
        assert knowledge.reuse_solution(s, w.analyst, later, source_kind="problem", source_id=ids[0]) == (
            "Оновлено сертифікат")


def test_one_incident_that_refuses_refuses_the_whole_resolution(desk):
    db, w = desk
    with db.write() as s:
        fine = _incident(s, w, "Не входить 1")
        stuck = _incident(s, w, "Не входить 2")
        incidents.change_status(s, w.analyst, stuck, IncidentStatus.THIRD_PARTY,
                                handoff=incidents.VendorHandoff(vendor=w.vendor, short_description="Сертифікат"))
        problem = problems.register_problem(s, w.analyst, short_description="Збої входу", incident=fine)
        problems.link_incident(s, w.analyst, problem, stuck)
        ids = (problem.id, fine.id)
    with pytest.raises(RuleViolation, match="INC0000002 cannot be resolved with PRB0000001"):
        with db.write() as s:
            problems.resolve_problem(s, w.analyst, ids[0], solution="Оновлено", resolve_incidents=True)
    with db.read() as s:
        assert s.get(Problem, ids[0]).status == "registered"
        assert s.get(Incident, ids[1]).status == "registered"  # not half done
    with db.write() as s:  # without its incidents the problem resolves alone
        outcome = problems.resolve_problem(s, w.analyst, ids[0], solution="Оновлено")
        assert outcome.resolved == [] and s.get(Incident, ids[1]).status == "registered"


def test_unlinking_and_refusals(desk):
    db, w = desk
    with db.write() as s:
        inc = _incident(s, w, "Принтер")
        problem = knowledge.create_problem(s, w.analyst, short_description="Принтери на 3 поверсі",
                                           workaround="Друкувати на 2 поверсі")
        assert problem.status == "registered"
        problems.link_incident(s, w.analyst, problem, inc)
        problems.unlink_incident(s, w.analyst, problem, inc)
        assert problems.problem_incidents(s, problem) == []
        with pytest.raises(NotFound, match="not linked"):
            problems.unlink_incident(s, w.analyst, problem, inc)
        with pytest.raises(PermissionDenied):
            problems.register_problem(s, s.get(Person, w.caller.id), short_description="Від користувача")
        with pytest.raises(RuleViolation, match="Short description"):
            problems.register_problem(s, w.analyst, short_description="  ")
        with pytest.raises(RuleViolation, match="Resolved"):
            problems.change_status(s, w.analyst, problem, "resolved")
        with pytest.raises(RuleViolation, match="not a member"):
            problems.update_problem(s, w.analyst, problem, group=w.second_line, owner=w.analyst)


def test_a_problem_linked_from_the_incidents_side_says_so_in_its_own_journal(desk):
    """The related panel and the new-incident form link through the incident (R4): the problem's
    journal and tab know it all the same, and a closed problem refuses new incidents."""
    from helpdesk_tui.desk.notes import link_records

    db, w = desk
    with db.write() as s:
        inc = _incident(s, w, "VPN рветься")
        problem = problems.register_problem(s, w.analyst, short_description="VPN-шлюз перевантажений")
        link_records(s, w.analyst, inc, to_kind="problem", to_id=problem.id)
        assert [i.number for i in problems.problem_incidents(s, problem)] == [inc.number]
        said = s.execute(select(JournalEntry.summary_key).where(JournalEntry.record_kind == "problem",
                                                                JournalEntry.record_id == problem.id)).scalars().all()
        assert "Incident linked" in said
        problems.close_problem(s, w.analyst, problem)
        other = _incident(s, w, "VPN знову рветься")
        with pytest.raises(ClosedRecord):
            link_records(s, w.analyst, other, to_kind="problem", to_id=problem.id)


def test_problems_from_the_shell(desk, capsys):
    db, w = desk
    with db.write() as s:
        _incident(s, w, "Не входить 1")
        _incident(s, w, "Не входить 2")

    def run(*args, who="ivan"):
        code = main(["--db", db.url, "--lang", "en", "--as", who, *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    assert "PRB0000001" in run("problem", "new", "-s", "Збої входу в ЕТС", "--incident", "INC1",
                               "--ci", "Сервер ЕТС-01")
    run("problem", "link", "PRB1", "INC2")
    run("problem", "status", "PRB1", "analysis")
    run("problem", "edit", "PRB1", "--root-cause", "Сертифікат", "--workaround", "Резервний вузол", "--version", "2")
    run("problem", "status", "PRB1", "known_error")
    said = run("problem", "resolve", "PRB1", "--solution", "Оновлено сертифікат", "--resolve-incidents")
    assert "INC0000001" in said and "INC0000002" in said
    shown = json.loads(run("problem", "show", "PRB1", "--json"))
    assert (shown["status"], shown["solution"], shown["configuration_item"]) == (
        "resolved", "Оновлено сертифікат", "Сервер ЕТС-01")
    assert [(i["number"], i["status"]) for i in shown["incidents"]] == [("INC0000001", "resolved"),
                                                                       ("INC0000002", "resolved")]
    listed = json.loads(run("problem", "list", "--status", "resolved", "--json"))
    assert [p["number"] for p in listed] == ["PRB0000001"]
    run("problem", "unlink", "PRB1", "INC2")
    code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "problem", "status", "PRB1", "nonsense"])
    assert code != 0 and "status is one of" in capsys.readouterr().err
    code = main(["--db", db.url, "--as", "olena", "problem", "list"])
    assert code != 0  # a caller sees no problems
