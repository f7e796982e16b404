"""SLA clocks on incidents, the scenarios from the seeds, the ticker and auto-close."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from helpdesk_tui.desk import incidents, jobs, notes, sla
from helpdesk_tui.desk.breaching import breaching
from helpdesk_tui.desk.incidents import VendorHandoff
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.store.models import DeskSetting, Incident, JournalEntry, OutboxMessage, SlaEvent
from helpdesk_tui.store.types import set_clock
from tests.world import seed

KYIV = ZoneInfo("Europe/Kyiv")
MIN = timedelta(minutes=1)


def kyiv(y, mo, d, h, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=KYIV)


class Clock:
    def __init__(self) -> None:
        self.now = kyiv(2026, 11, 18, 9)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    c = Clock()
    set_clock(c)
    yield c
    set_clock(None)


def _new(db, w, clock, at, **kw):
    clock.now = at
    kw.setdefault("impact", 2)
    kw.setdefault("urgency", 2)  # priority 3: response 4 h, resolution 3 working days
    with db.write() as s:
        return incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не працює ЕТС",
                                           group=w.first_line, owner=w.analyst, **kw)


def _state(db, inc, now):
    with db.read() as s:
        return sla.state_of(s, s.get(Incident, inc.id), now=now)


def test_question_friday_1650_answered_monday_0910(db, clock):
    """The clock stops while the caller is asked, over the weekend, and counts only working time."""
    w = seed(db)
    inc = _new(db, w, clock, kyiv(2026, 11, 20, 16))  # Friday
    clock.now = kyiv(2026, 11, 20, 16, 50)
    with db.write() as s:
        inc = incidents.change_status(s, w.analyst, inc, S.INFO_NEEDED, question="Номер кабінету?")
    paused = _state(db, inc, kyiv(2026, 11, 22, 12))
    assert not paused.resolution.running and paused.resolution.elapsed == 50 * MIN
    assert inc.resolution_due is None  # not "about to breach" while the caller owes an answer
    # The question was the first thing the caller saw: the response target is met at 16:50.
    assert paused.response.met is True and paused.response.elapsed == 50 * MIN
    clock.now = kyiv(2026, 11, 23, 9, 10)  # Monday
    with db.write() as s:
        inc = incidents.change_status(s, w.analyst, inc, S.INFO_PROVIDED, answer="204")
    later = _state(db, inc, kyiv(2026, 11, 23, 10))
    assert later.resolution.elapsed == 100 * MIN
    # 3 working days = 1440 min; 50 used on Friday, 1390 left from Monday 09:10:
    # Monday 410, Tuesday 480, Wednesday 480, Thursday 20 -> Thursday 08:20.
    assert inc.resolution_due == later.resolution.due == kyiv(2026, 11, 26, 8, 20)


def test_vendor_handoff_over_a_holiday(db, clock):
    w = seed(db)
    with db.write() as s:
        sla.set_calendar_day(s, w.admin, "standard", date(2026, 12, 25), working=False, note="Різдво")
    inc = _new(db, w, clock, kyiv(2026, 12, 24, 13, 30))  # Thursday
    clock.now = kyiv(2026, 12, 24, 15)
    with db.write() as s:
        inc = incidents.change_status(s, w.analyst, inc, S.THIRD_PARTY,
                                      handoff=VendorHandoff(vendor=w.vendor, short_description="Сервер"))
    clock.now = kyiv(2026, 12, 28, 10)  # Monday after the holiday Friday
    with db.write() as s:
        inc = incidents.change_status(s, w.analyst, inc, S.FROM_THIRD_PARTY, vendor_answer="Готово")
    assert _state(db, inc, kyiv(2026, 12, 28, 11)).resolution.elapsed == 150 * MIN  # 13:30-15:00, 10:00-11:00
    # Where the vendor's time is not a pause, the holiday and the weekend still do not count.
    with db.write() as s:
        s.merge(DeskSetting(key="sla.pause_statuses", value=["info_needed", "resolved"]))
    counted = _state(db, inc, kyiv(2026, 12, 28, 11))
    assert counted.resolution.elapsed == (210 + 180) * MIN  # Thu 13:30-17:00, Mon 08:00-11:00


def test_reopened_incident_resumes_its_resolution_clock(db, clock):
    w = seed(db)
    inc = _new(db, w, clock, kyiv(2026, 11, 18, 9))
    clock.now = kyiv(2026, 11, 18, 11)
    with db.write() as s:
        inc = incidents.resolve_incident(s, w.analyst, inc, solution="Перезапуск", reason_code="permanent_fix",
                                         resolve_with_open_tasks=False)
    resolved = _state(db, inc, kyiv(2026, 11, 19, 9))
    assert resolved.resolution.met is True and resolved.resolution.elapsed == 120 * MIN
    assert inc.resolution_due is None
    clock.now = kyiv(2026, 11, 19, 9)
    with db.write() as s:
        inc = incidents.reopen_incident(s, w.analyst, inc, reason="Знову")
    reopened = _state(db, inc, kyiv(2026, 11, 19, 9))
    assert reopened.resolution.running and reopened.resolution.met is None
    # 1320 working minutes left from Thursday 09:00: Thursday 420, Friday 480, Monday 420 -> 16:00.
    assert inc.resolution_due == kyiv(2026, 11, 23, 16)


def test_urgent_ticket_at_1220_is_due_at_1420_and_needs_a_reason(db, clock):
    w = seed(db)
    with pytest.raises(RuleViolation, match="reason"):
        _new(db, w, clock, kyiv(2026, 11, 18, 12, 20), criticality="urgent")
    inc = _new(db, w, clock, kyiv(2026, 11, 18, 12, 20), criticality="urgent", urgent_reason="most_users_affected")
    assert inc.response_due == kyiv(2026, 11, 18, 14, 20)  # 10 min before lunch, 50 after
    clock.now = kyiv(2026, 11, 18, 13, 50)
    with db.write() as s:
        notes.add_note(s, w.analyst, inc, summary="", text="Працюємо", published=True)
    state = _state(db, inc, kyiv(2026, 11, 18, 14))
    assert state.response.met is True and state.response.elapsed == 30 * MIN


def test_priority_change_replays_the_history(db, clock):
    w = seed(db)
    inc = _new(db, w, clock, kyiv(2026, 11, 18, 9), impact=3, urgency=3)  # P5: response 3 days
    assert inc.response_due == kyiv(2026, 11, 23, 9)
    clock.now = kyiv(2026, 11, 18, 9, 30)
    with db.write() as s:
        inc = incidents.change_priority(s, w.analyst, inc, priority=1, justification="Зупинено митницю")
    assert inc.response_due == kyiv(2026, 11, 18, 10)  # P1 from registration, not from now
    with db.read() as s:
        listed = breaching(s, timedelta(hours=2), now=kyiv(2026, 11, 18, 9, 30))
    assert [(r["number"], r["clock"]) for r in listed][:1] == [(inc.number, "response")]


def _events(db) -> list[tuple[int, str]]:
    with db.read() as s:
        return sorted((e.incident_id, e.kind) for e in s.execute(select(SlaEvent)).scalars())


def test_ticker_warns_once_then_breaches_once(db, clock):
    w = seed(db)
    inc = _new(db, w, clock, kyiv(2026, 11, 18, 9), impact=1, urgency=1)  # P1: 1 h / 4 h
    assert jobs.tick(db, "a", now=kyiv(2026, 11, 18, 9, 40)).warnings == 0
    report = jobs.tick(db, "a", now=kyiv(2026, 11, 18, 9, 46))
    assert (report.warnings, report.breaches) == (1, 0)
    assert jobs.tick(db, "a", now=kyiv(2026, 11, 18, 9, 50)).warnings == 0
    report = jobs.tick(db, "a", now=kyiv(2026, 11, 18, 10, 1))
    assert (report.warnings, report.breaches) == (0, 1), _events(db)
    assert _events(db) == [(inc.id, "response_breach"), (inc.id, "response_warning")]
    report = jobs.tick(db, "a", now=kyiv(2026, 11, 18, 12, 5))  # 3 of the 4 working hours gone
    assert (report.warnings, report.breaches) == (1, 0)
    with db.read() as s:
        mails = [m.template for m in s.execute(select(OutboxMessage).where(OutboxMessage.template.like("sla%"))).scalars()]
        entries = s.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "sla")).scalar_one()
    assert mails == ["sla_warning", "sla_breach", "sla_warning"] and entries == 3


def test_a_breach_the_ticker_sees_first_supersedes_its_warning(db, clock):
    w = seed(db)
    inc = _new(db, w, clock, kyiv(2026, 11, 18, 9), impact=1, urgency=1)  # P1: 1 h / 4 h
    # The first round after the app was closed for an hour: the response target is long gone.
    report = jobs.tick(db, "a", now=kyiv(2026, 11, 18, 10, 30))
    assert (report.warnings, report.breaches) == (0, 1)
    assert jobs.tick(db, "a", now=kyiv(2026, 11, 18, 10, 31)).warnings == 0  # and never later
    with db.read() as s:
        entries = [e.summary for e in s.execute(select(JournalEntry).where(
            JournalEntry.record_id == inc.id, JournalEntry.kind == "sla").order_by(JournalEntry.id)).scalars()]
        mails = [m.template for m in s.execute(select(OutboxMessage).where(
            OutboxMessage.template.like("sla%")).order_by(OutboxMessage.id)).scalars()]
    assert len(entries) == 1 and "breached" in entries[0] and mails == ["sla_breach"]
    # The resolution clock has not breached yet: its warning comes in its time, once.
    report = jobs.tick(db, "a", now=kyiv(2026, 11, 18, 12, 5))
    assert (report.warnings, report.breaches) == (1, 0)


def test_a_lease_keeps_a_second_ticker_out(db, clock):
    seed(db)
    assert jobs.tick(db, "first").held
    assert not jobs.tick(db, "second").held
    with db.write() as s:
        jobs.release_lease(s, jobs.TICKER, "first")
    assert jobs.tick(db, "second").held


def test_auto_close_after_five_days_without_an_answer(db, clock):
    w = seed(db)
    old = _new(db, w, clock, kyiv(2026, 11, 10, 9))
    fresh = _new(db, w, clock, kyiv(2026, 11, 10, 9))
    for inc, at in ((old, kyiv(2026, 11, 12, 10)), (fresh, kyiv(2026, 11, 14, 10))):
        clock.now = at
        with db.write() as s:
            incidents.resolve_incident(s, w.analyst, inc, solution="Готово", reason_code="advice",
                                       resolve_with_open_tasks=False)
    clock.now = kyiv(2026, 11, 18, 9)
    assert jobs.tick(db, "a", now=clock.now).closed == 1
    assert jobs.tick(db, "a", now=clock.now).closed == 0
    with db.read() as s:
        assert s.get(Incident, old.id).status == "closed" and s.get(Incident, fresh.id).status == "resolved"
        summaries = [e.summary for e in s.execute(select(JournalEntry).where(JournalEntry.record_id == old.id)).scalars()]
        mails = [m.template for m in s.execute(select(OutboxMessage).where(OutboxMessage.record_id == old.id)).scalars()]
    assert any("automatically" in x for x in summaries) and "auto_closed" in mails
    # Counted in working days instead: 5 working days after Friday 10:00 is the next Friday.
    with db.write() as s:
        s.merge(DeskSetting(key="autoclose.working_days", value=True))
    assert jobs.tick(db, "a", now=kyiv(2026, 11, 20, 9)).closed == 0
    assert jobs.tick(db, "a", now=kyiv(2026, 11, 21, 10, 1)).closed == 1


_RACER = """
import sys
from datetime import datetime
from helpdesk_tui.desk import jobs
from helpdesk_tui.store.db import Database
db = Database(sys.argv[1])
now = datetime.fromisoformat(sys.argv[2])
w = b = c = 0
for _ in range(3):
    # Straight to the steps, past the lease: the steps themselves must not double anything.
    ww, bb = jobs.check_sla(db, now)
    w += ww; b += bb; c += jobs.auto_close(db, now)
print(w, b, c)
"""


def test_two_tickers_at_once_double_nothing(db, clock):
    w = seed(db)
    made = [_new(db, w, clock, kyiv(2026, 11, 16, 9) + i * MIN, impact=1, urgency=1) for i in range(30)]
    for inc in made[:10]:
        clock.now = kyiv(2026, 11, 16, 10)
        with db.write() as s:
            incidents.resolve_incident(s, w.analyst, inc, solution="ok", reason_code="advice",
                                       resolve_with_open_tasks=False)
    now = kyiv(2026, 11, 23, 12).isoformat()
    procs = [subprocess.Popen([sys.executable, "-c", _RACER, db.url, now], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    for (out, err), p in zip(results, procs):
        assert p.returncode == 0, err
    counts = [list(map(int, out.split())) for out, _e in results]
    warnings, breaches, closed = (sum(c[i] for c in counts) for i in range(3))
    events = _events(db)
    # 20 open P1 incidents breached both clocks: each breach recorded once, and each warning's row
    # written silently (a breach supersedes its warning), whichever process got there first.
    assert len(events) == len(set(events)) == 20 * 4
    assert (warnings, breaches) == (0, 20 * 2)
    assert closed == 10
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "sla")).scalar_one() == breaches
        assert s.execute(select(func.count()).select_from(Incident).where(Incident.status == "closed")).scalar_one() == 10
