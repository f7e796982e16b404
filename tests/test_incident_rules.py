"""Rules that leaked: the tasks of a finished incident, open tasks when an incident is closed,
cancelled or resolved, a priority «override» to the value it has, decisions taken on the row as
it is under its lock (PostgreSQL), and mail with NUL bytes on PostgreSQL."""

from __future__ import annotations

import io
import threading
import time

import pytest
from sqlalchemy import func, select, text

from helpdesk_tui.cli import main
from helpdesk_tui.desk import incidents, tasks
from helpdesk_tui.desk.lookup import find_incident, find_person
from helpdesk_tui.domain.errors import ClosedRecord, OpenTasks, RuleViolation
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import ExternalTask, InboundMail, Incident, JournalEntry, Task
from tests.mail_builders import message
from tests.world import FIRST_LINE, seed

CALLER = "olena@client.example"


def _journal_count(db: Database, incident_id: int) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(JournalEntry).where(
            JournalEntry.record_kind == "incident", JournalEntry.record_id == incident_id)).scalar_one()


def _with_tasks(db: Database):
    """An incident in progress with an open task, an accepted one, a completed one and a
    vendor's task; returns (world, incident)."""
    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не працює ЕТС",
                                          group=w.first_line)
        inc = incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=2,
                                          urgency=2, owner=w.analyst)
        tasks.create_task(s, w.analyst, inc, group=w.second_line, short_description="Перевірити мережу")
        accepted = tasks.create_task(s, w.analyst, inc, group=w.first_line, short_description="Подзвонити")
        tasks.accept_task(s, w.colleague, accepted)
        done = tasks.create_task(s, w.analyst, inc, group=w.first_line, short_description="Зібрати логи")
        tasks.complete_task(s, w.analyst, done, comment="Зібрано")
        tasks.create_external_task(s, w.analyst, inc, vendor=w.vendor, short_description="Перевірте сервер")
    return w, inc


def _statuses(db: Database, incident: Incident) -> dict[str, str]:
    with db.read() as s:
        rows = list(s.execute(select(Task.number, Task.status).where(Task.incident_id == incident.id)))
        rows += list(s.execute(select(ExternalTask.number, ExternalTask.status)
                               .where(ExternalTask.incident_id == incident.id)))
    return dict(rows)  # type: ignore[arg-type]


def _finish(db: Database, w, inc: Incident, how: str, effects=None) -> None:
    with db.write() as s:
        if how == "cancel":
            incidents.cancel_incident(s, w.analyst, inc, reason="Дубль", effects=effects)
        else:
            inc = incidents.resolve_incident(s, w.analyst, inc, solution="Перезапуск", reason_code="permanent_fix",
                                             resolve_with_open_tasks=True)
            incidents.close_incident(s, w.analyst, inc, effects=effects)


@pytest.mark.parametrize("how", ["cancel", "close"])
def test_tasks_of_a_finished_incident_can_no_longer_be_accepted_completed_or_cancelled(db, how):
    w, inc = _with_tasks(db)
    _finish(db, w, inc, how)
    entries = _journal_count(db, inc.id)
    with db.read() as s:
        status = S(s.get(Incident, inc.id).status).label

    attempts = [
        lambda s: tasks.accept_task(s, w.specialist, s.execute(select(Task).where(Task.number == "TSK0000001")).scalar_one()),
        lambda s: tasks.complete_task(s, w.specialist, s.execute(select(Task).where(Task.number == "TSK0000001"))
                                      .scalar_one(), comment="Зроблено"),
        lambda s: tasks.cancel_task(s, w.colleague, s.execute(select(Task).where(Task.number == "TSK0000002"))
                                    .scalar_one(), reason="Не треба"),
        lambda s: tasks.complete_external_task(s, w.analyst, s.execute(select(ExternalTask)).scalar_one(),
                                               vendor_answer="Виправлено"),
    ]
    for attempt in attempts:
        with pytest.raises(ClosedRecord, match=f"belongs to INC0000001, which is «{status}»"), db.write() as s:
            attempt(s)

    assert _journal_count(db, inc.id) == entries  # nothing added to the finished incident's journal


@pytest.mark.parametrize("how", ["cancel", "close"])
def test_closing_or_cancelling_cancels_the_open_tasks_with_it_and_journals_each(db, how):
    w, inc = _with_tasks(db)
    effects = incidents.Effects()
    _finish(db, w, inc, how, effects)

    assert effects.cancelled_tasks == ["TSK0000001", "TSK0000002", "VTSK0000001"]
    assert _statuses(db, inc) == {"TSK0000001": "cancelled", "TSK0000002": "cancelled", "TSK0000003": "completed",
                                  "VTSK0000001": "cancelled"}
    with db.read() as s:
        summaries = [e.summary for e in s.execute(select(JournalEntry).where(
            JournalEntry.record_kind == "incident", JournalEntry.record_id == inc.id, JournalEntry.kind == "task")
            .order_by(JournalEntry.id)).scalars()]
    assert summaries[-3:] == ["Task TSK0000001: Cancelled", "Task TSK0000002: Cancelled",
                              "External task VTSK0000001 cancelled"]


def test_resolving_with_open_tasks_needs_the_entry_point_to_decide(db):
    w, inc = _with_tasks(db)
    entries = _journal_count(db, inc.id)

    with pytest.raises(OpenTasks) as refused, db.write() as s:
        incidents.resolve_incident(s, w.analyst, inc, solution="Готово", reason_code="advice",
                                   resolve_with_open_tasks=False)
    assert refused.value.numbers == ["TSK0000001", "TSK0000002", "VTSK0000001"]
    assert "TSK0000001, TSK0000002, VTSK0000001" in refused.value.message
    with pytest.raises(TypeError), db.write() as s:  # an entry point that did not ask is a mistake
        incidents.change_status(s, w.analyst, inc, S.RESOLVED, solution="Готово", reason_code="advice")
    assert _journal_count(db, inc.id) == entries

    with db.write() as s:
        incidents.resolve_incident(s, w.analyst, inc, solution="Готово", reason_code="advice",
                                   resolve_with_open_tasks=True)
    with db.read() as s:
        assert s.get(Incident, inc.id).status == "resolved"
    assert _statuses(db, inc)["TSK0000001"] == "open"  # said yes: they stay open until the close


class _Terminal(io.StringIO):
    """A person at a terminal typing an answer."""

    def isatty(self) -> bool:
        return True


def test_the_command_line_asks_before_resolving_with_open_tasks_and_says_what_closing_cancelled(
        db, capsys, monkeypatch):
    _with_tasks(db)

    def run(*args: str, typed: str | None = None):
        if typed is not None:
            monkeypatch.setattr("sys.stdin", _Terminal(typed))
        code = main(["--db", db.url, "--lang", "en", "--as", "ivan", *args])
        out, err = capsys.readouterr()
        return code, out, err

    resolve = ("incident", "resolve", "1", "--solution", "Перезапуск", "--reason-code", "permanent_fix")
    code, out, err = run(*resolve)  # a script: no terminal, no --yes
    assert code == 1 and len(err.strip().splitlines()) == 1 and "--yes" in err and "TSK0000001" in err
    code, out, err = run(*resolve, typed="n\n")
    assert code == 1 and "Resolve it with them open?" in out
    with db.read() as s:
        assert find_incident(s, "1").status == "in_progress"

    code, out, err = run(*resolve, typed="y\n")
    assert code == 0, err
    code, out, err = run("incident", "close", "1")
    assert code == 0, err
    assert "Cancelled with it: TSK0000001, TSK0000002, VTSK0000001" in out


def test_resolve_yes_skips_the_question(db, capsys):
    _with_tasks(db)
    code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "incident", "resolve", "1", "--solution", "Готово",
                 "--reason-code", "advice", "--yes"])
    assert code == 0, capsys.readouterr().err
    with db.read() as s:
        assert find_incident(s, "1").status == "resolved"


def test_a_priority_override_to_the_current_value_is_refused_in_one_line(db, capsys):
    w, inc = _with_tasks(db)  # classified with impact 2, urgency 2
    with db.read() as s:
        current = s.get(Incident, inc.id).priority
    entries = _journal_count(db, inc.id)
    with pytest.raises(RuleViolation, match=f"already has priority {current}"), db.write() as s:
        incidents.change_priority(s, w.analyst, inc, priority=current, justification="Так треба")

    code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "incident", "priority", "1", str(current),
                 "-j", "Так треба"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and f"already has priority {current}" in err
    assert _journal_count(db, inc.id) == entries
    with db.read() as s:
        assert s.get(Incident, inc.id).priority_overridden is False


def _waits_for_a_lock(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                      "AND datname = current_database()")).scalar())


def test_classify_decides_on_the_status_it_finds_under_the_row_lock(pg_db):
    """Two sessions at once: B asks the caller a question and holds the row until it commits;
    A classifies the copy it read before, waiting for B's lock. A must see «Потрібна
    інформація» once it has the lock, and classifying then moves it to «Виконується робота»,
    instead of reporting success and leaving it waiting for the caller."""
    w = seed(pg_db)
    with pg_db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не працює ЕТС",
                                          group=w.first_line)
        incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=3, urgency=3,
                                    owner=w.analyst)
    other = Database(pg_db.url)
    outcome: dict[str, object] = {}

    def analyst_a() -> None:
        try:
            with pg_db.write() as s:
                actor, mine = find_person(s, "ivan"), find_incident(s, "INC0000001")
                outcome["seen"] = mine.status  # before any lock: «in progress»
                done = incidents.classify_incident(s, actor, mine, service=w.service, category=w.category, impact=1,
                                                   urgency=1, owner=actor)
                outcome["reported"] = done.status
        except Exception as exc:  # the assertion below shows it
            outcome["error"] = exc

    try:
        with other.write() as s:
            incidents.change_status(s, find_person(s, "maria"), find_incident(s, "INC0000001"), S.INFO_NEEDED,
                                    question="Який номер кабінету?")
            a = threading.Thread(target=analyst_a)
            a.start()
            deadline = time.monotonic() + 10
            while not _waits_for_a_lock(pg_db):
                assert time.monotonic() < deadline and a.is_alive(), f"A never waited for the lock: {outcome}"
                time.sleep(0.02)
        a.join(timeout=10)
    finally:
        other.dispose()

    assert "error" not in outcome, outcome
    assert outcome["seen"] == "in_progress"
    with pg_db.read() as s:
        final = s.get(Incident, inc.id)
        statuses = [e.status_to for e in s.execute(select(JournalEntry).where(
            JournalEntry.record_id == inc.id, JournalEntry.kind == "status").order_by(JournalEntry.id)).scalars()]
    assert outcome["reported"] == final.status == "in_progress"
    assert statuses[-2:] == ["info_needed", "in_progress"]
    assert final.priority == 1


def test_mail_with_nul_bytes_on_postgresql_is_taken_in_and_spoils_nothing_else(pg_db):
    """The poller's batch on a database that has never taken mail (no desk account yet): NUL in
    a subject, a body, a sender's name and address. Text columns get the text without NUL, the
    raw message is kept byte for byte, and every message becomes an incident."""
    from helpdesk_tui.mail.intake import IntakeSettings, ingest_batch

    seed(pg_db)
    batch = [message(sender=CALLER, subject="Нуль\x00 у темі", body="Текст"),
             message(sender=CALLER, subject="Нуль у тексті", body="До\x00після"),
             message(sender=CALLER, name="Оле\x00на", subject="Нуль в імені", body="Текст"),
             message(sender="ole\x00na@client.example", subject="Нуль в адресі", body="Текст"),
             message(sender=CALLER, subject="Звичайний", body="Текст")]
    with pg_db.write() as s:
        results = ingest_batch(s, list(enumerate(batch, start=1)), IntakeSettings(group=FIRST_LINE), uidvalidity=7)

    assert [r.outcome for r in results] == ["incident"] * 5
    with pg_db.read() as s:
        mails = list(s.execute(select(InboundMail).order_by(InboundMail.uid)).scalars())
        titles = [i.short_description for i in s.execute(select(Incident).order_by(Incident.id)).scalars()]
    assert titles == ["Нуль у темі", "Нуль у тексті", "Нуль в імені", "Нуль в адресі", "Звичайний"]
    assert [m.raw for m in mails] == batch
    assert "Допісля" in mails[1].text and mails[2].from_name == "Олена"
    assert mails[3].from_address == CALLER


def test_one_message_that_breaks_first_on_a_new_database_takes_no_other_down(pg_db, monkeypatch):
    """The first message of a new database's first batch makes the desk's own account, then
    fails: its savepoint is undone with that account, and the next messages must not name it."""
    from helpdesk_tui.mail import intake

    seed(pg_db)
    real_record = intake.mailbox.record_email

    def record_email(session, mail, incident, **kw):
        if mail.subject.startswith("Зламає"):
            raise RuntimeError("a surprise after registration")
        return real_record(session, mail, incident, **kw)

    monkeypatch.setattr(intake.mailbox, "record_email", record_email)
    batch = [message(sender=CALLER, subject=subject, body="x") for subject in ("Зламає", "Перший", "Другий")]
    with pg_db.write() as s:
        results = intake.ingest_batch(s, list(enumerate(batch, start=1)), intake.IntakeSettings(group=FIRST_LINE),
                                       uidvalidity=7)

    assert [r.outcome for r in results] == ["quarantined", "incident", "incident"]
    with pg_db.read() as s:
        broken = s.execute(select(InboundMail).where(InboundMail.uid == 1)).scalar_one()
    assert "a surprise after registration" in broken.error
