"""The SLA ticker and auto-close on service requests (issue 17 item 5), on both engines: warnings
and breaches of the catalog item's targets, each once, silent while the request awaits approval;
«Реалізовано» closed after the configured days without an answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import approvals, jobs, requests, tasks
from helpdesk_tui.desk.breaching import breaching
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.store.models import (
    DeskSetting,
    Incident,
    JournalEntry,
    OutboxMessage,
    Person,
    RequestSlaEvent,
    ServiceRequest,
    Task,
)
from helpdesk_tui.store.types import set_clock
from tests.world import CATALOG, FIRST_LINE, load_test_catalog, seed

KYIV = ZoneInfo("Europe/Kyiv")

# The VPN item again, approved by Марія: the same targets, 2 and 8 working hours.
APPROVED = f'''
[[item]]
code = "vpn-approved"
name.uk = "Доступ до VPN з погодженням"
name.en = "VPN access, approved"
group = "{FIRST_LINE}"
response_hours = 2
resolution_hours = 8

[item.approval]
people = ["maria"]

[[item.stage]]
[[item.stage.task]]
group = "{FIRST_LINE}"
short_description = "Створити профіль VPN"
'''


def kyiv(y, mo, d, h, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=KYIV)


class Clock:
    def __init__(self) -> None:
        self.now = kyiv(2026, 11, 18, 9)  # a Wednesday

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    c = Clock()
    set_clock(c)
    yield c
    set_clock(None)


@pytest.fixture
def desk(db):
    w = seed(db)
    return db, w, load_test_catalog(db, w, CATALOG + APPROVED)


def _request(db, w, items, code, at, clock, values=None, owner=None):
    clock.now = at
    with db.write() as s:
        return requests.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                         item_id=items[code], values=values or {},
                                         owner=s.get(Person, owner.id) if owner else None).id


def _events(db, rid):
    with db.read() as s:
        return sorted(e.kind for e in s.execute(select(RequestSlaEvent).where(RequestSlaEvent.request_id == rid)).scalars())


def _sla_entries(db, rid):
    with db.read() as s:
        return [e.summary for e in s.execute(select(JournalEntry).where(
            JournalEntry.record_kind == "service_request", JournalEntry.record_id == rid,
            JournalEntry.kind == "sla").order_by(JournalEntry.id)).scalars()]


def _mails(db, *templates):
    with db.read() as s:
        return [(m.template, m.to_address) for m in s.execute(select(OutboxMessage).where(
            OutboxMessage.template.in_(templates)).order_by(OutboxMessage.id)).scalars()]


def _tick(db, at):
    report = jobs.tick(db, "a", now=at)
    return report.warnings, report.breaches


def test_the_ticker_warns_and_breaches_a_request_once_each_telling_its_work_group(desk, clock):
    db, w, items = desk
    rid = _request(db, w, items, "vpn", kyiv(2026, 11, 18, 9), clock, {"device": "Ноутбук"})  # 2 h / 8 h
    assert _tick(db, kyiv(2026, 11, 18, 10, 29)) == (0, 0)
    assert _tick(db, kyiv(2026, 11, 18, 10, 31)) == (1, 0)  # 75% of the response's 2 hours
    assert _tick(db, kyiv(2026, 11, 18, 10, 40)) == (0, 0)
    assert _tick(db, kyiv(2026, 11, 18, 11, 1)) == (0, 1)
    assert _tick(db, kyiv(2026, 11, 18, 16, 1)) == (1, 0)  # 6 of the 8 working hours
    assert _tick(db, kyiv(2026, 11, 19, 9, 1)) == (0, 1)  # 7 h on Wednesday, the 8th on Thursday at 9
    assert _tick(db, kyiv(2026, 11, 19, 9, 2)) == (0, 0)
    assert _events(db, rid) == ["resolution_breach", "resolution_warning", "response_breach", "response_warning"]
    entries = _sla_entries(db, rid)
    assert entries == ["SLA: 75% of the response target used", "SLA: the response target is breached",
                       "SLA: 75% of the resolution target used", "SLA: the resolution target is breached"]
    # Nobody owns it: its work group (Іван and Марія) hears of each, in their language.
    mails = _mails(db, "request_sla_warning", "request_sla_breach")
    assert {a for _t, a in mails} == {"ivan@desk.example", "maria@desk.example"} and len(mails) == 8
    with db.read() as s:
        breach = s.execute(select(OutboxMessage).where(OutboxMessage.template == "request_sla_breach")).scalars().first()
        number = s.get(ServiceRequest, rid).number
    assert breach.subject.startswith(f"[{number}] ") and FIRST_LINE in breach.body


def test_a_breach_supersedes_its_warning_and_the_owner_alone_hears_of_it(desk, clock):
    db, w, items = desk
    rid = _request(db, w, items, "vpn", kyiv(2026, 11, 18, 9), clock, {"device": "Ноутбук"})
    with db.write() as s:  # answered by taking a task, in time
        task = s.execute(select(Task).where(Task.request_id == rid).order_by(Task.id)).scalars().first()
        tasks.accept_task(s, s.get(Person, w.analyst.id), task)
        requests.assign(s, s.get(Person, w.analyst.id), s.get(ServiceRequest, rid), owner=s.get(Person, w.analyst.id))
    # The ticker was stopped all day: the resolution target is long gone when it first looks.
    assert _tick(db, kyiv(2026, 11, 19, 12)) == (0, 1)
    assert _tick(db, kyiv(2026, 11, 19, 12, 1)) == (0, 0)
    assert _events(db, rid) == ["resolution_breach", "resolution_warning"]
    assert _sla_entries(db, rid) == ["SLA: the resolution target is breached"]
    assert _mails(db, "request_sla_warning", "request_sla_breach") == [("request_sla_breach", "ivan@desk.example")]


def test_nothing_is_said_while_a_request_awaits_approval_and_its_clock_resumes_after(desk, clock):
    db, w, items = desk
    rid = _request(db, w, items, "vpn-approved", kyiv(2026, 11, 18, 9), clock)
    assert _tick(db, kyiv(2026, 11, 18, 17, 30)) == (0, 0)  # both targets would be past by now
    with db.read() as s:
        assert s.get(ServiceRequest, rid).status == S.AWAITING_APPROVAL
        assert breaching(s, timedelta(hours=1), now=kyiv(2026, 11, 18, 17, 30)) == []
    clock.now = kyiv(2026, 11, 19, 9)
    with db.write() as s:
        approvals.decide(s, s.get(Person, w.colleague.id), s.get(ServiceRequest, rid), approve=True)
    # The response is not paused (only the resolution is): unanswered 2 working hours and more,
    # it is breached, said once the approval is in.
    assert _tick(db, kyiv(2026, 11, 19, 9, 1)) == (0, 1)
    with db.write() as s:
        requests.assign(s, s.get(Person, w.analyst.id), s.get(ServiceRequest, rid), owner=s.get(Person, w.analyst.id))
    # The resolution: 8 working hours from the approval (Thursday 9:00), not from the request.
    assert _tick(db, kyiv(2026, 11, 19, 15, 59)) == (0, 0)
    assert _tick(db, kyiv(2026, 11, 19, 16, 1)) == (1, 0)
    assert _tick(db, kyiv(2026, 11, 20, 9, 1)) == (0, 1)
    assert _events(db, rid) == ["resolution_breach", "resolution_warning", "response_breach", "response_warning"]


def _implement(db, w, rid):
    """Every task of the request completed, stage after stage, by a member of its group."""
    while True:
        with db.write() as s:
            open_tasks = list(s.execute(select(Task).where(Task.request_id == rid, Task.status.in_(("open", "accepted")))
                                        .order_by(Task.id)).scalars())
            if not open_tasks:
                assert s.get(ServiceRequest, rid).status == S.IMPLEMENTED
                return
            for task in open_tasks:
                who = w.analyst if task.group_id == w.first_line.id else w.specialist
                tasks.complete_task(s, s.get(Person, who.id), task, comment="Зроблено")


def test_an_implemented_request_closes_itself_after_the_days_without_an_answer(desk, clock):
    db, w, items = desk
    old = _request(db, w, items, "vpn", kyiv(2026, 11, 10, 9), clock, {"device": "Ноутбук"})
    fresh = _request(db, w, items, "vpn", kyiv(2026, 11, 10, 9), clock, {"device": "Смартфон"})
    for rid, at in ((old, kyiv(2026, 11, 12, 10)), (fresh, kyiv(2026, 11, 14, 10))):
        clock.now = at
        _implement(db, w, rid)
    clock.now = kyiv(2026, 11, 18, 9)
    assert jobs.tick(db, "a", now=clock.now).closed == 1
    assert jobs.tick(db, "a", now=clock.now).closed == 0
    with db.read() as s:
        closed = s.get(ServiceRequest, old)
        assert closed.status == S.CLOSED and closed.closed_at is not None
        assert s.get(ServiceRequest, fresh).status == S.IMPLEMENTED
        summaries = [e.summary for e in s.execute(select(JournalEntry).where(
            JournalEntry.record_kind == "service_request", JournalEntry.record_id == old)).scalars()]
        told = s.execute(select(OutboxMessage).where(OutboxMessage.template == "request_auto_closed")).scalar_one()
    assert "Closed automatically: no answer 5 days after it was carried out" in summaries
    assert "Status: Implemented → Closed" in summaries
    assert told.to_address == "olena@client.example" and told.record_id == old and " 5 " in told.body
    # Counted in working days instead, as the incidents' (test_sla.py).
    with db.write() as s:
        s.merge(DeskSetting(key="autoclose.working_days", value=True))
    assert jobs.tick(db, "a", now=kyiv(2026, 11, 20, 9)).closed == 0
    assert jobs.tick(db, "a", now=kyiv(2026, 11, 21, 10, 1)).closed == 1


def test_sla_breaching_lists_requests_beside_incidents(desk, clock):
    from helpdesk_tui.desk import incidents

    db, w, items = desk
    rid = _request(db, w, items, "vpn", kyiv(2026, 11, 18, 9), clock, {"device": "Ноутбук"})
    with db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не працює ЕТС",
                                    group=w.first_line, owner=w.analyst, impact=1, urgency=1)  # P1: 1 h / 4 h
        number = s.get(ServiceRequest, rid).number
    with db.read() as s:
        rows = breaching(s, timedelta(hours=4), now=kyiv(2026, 11, 18, 10, 30))
        assert s.execute(select(Incident.number)).scalar_one() == "INC0000001"
    listed = [(r["kind"], r["number"], r["clock"]) for r in rows]
    assert listed == [("incident", "INC0000001", "response"), ("service_request", number, "response"),
                      ("incident", "INC0000001", "resolution")]
    request_row = rows[1]
    assert request_row["priority"] is None and request_row["status"] == "in_progress"
    assert request_row["group"] == FIRST_LINE and not request_row["breached"]


def test_a_holiday_moves_a_request_s_stored_due_time(desk, clock):
    from datetime import date

    from helpdesk_tui.desk import request_sla, sla

    db, w, items = desk
    rid = _request(db, w, items, "vpn", kyiv(2026, 11, 18, 9), clock, {"device": "Ноутбук"})
    with db.read() as s:
        assert s.get(ServiceRequest, rid).due_at == kyiv(2026, 11, 19, 9)  # 7 h on Wednesday, 1 on Thursday
    with db.write() as s:
        sla.set_calendar_day(s, s.get(Person, w.admin.id), "standard", date(2026, 11, 19), working=False, note="—")
        assert request_sla.recompute_open(s) == 1
    with db.read() as s:
        assert s.get(ServiceRequest, rid).due_at == kyiv(2026, 11, 20, 9)


_RACER = """
import sys
from datetime import datetime
from helpdesk_tui.desk import request_jobs
from helpdesk_tui.store.db import Database
db = Database(sys.argv[1])
now = datetime.fromisoformat(sys.argv[2])
w = b = c = 0
for _ in range(3):
    # Straight to the steps, past the lease: the steps themselves must not double anything.
    ww, bb = request_jobs.check_sla(db, now)
    w += ww; b += bb; c += request_jobs.auto_close(db, now)
print(w, b, c)
"""


def test_two_tickers_at_once_double_nothing_on_requests(desk, clock):
    import subprocess
    import sys

    db, w, items = desk
    made = [_request(db, w, items, "vpn", kyiv(2026, 11, 16, 9, i), clock, {"device": "Ноутбук"}) for i in range(12)]
    clock.now = kyiv(2026, 11, 16, 10)
    for rid in made[:4]:
        _implement(db, w, rid)
    now = kyiv(2026, 11, 23, 12).isoformat()
    procs = [subprocess.Popen([sys.executable, "-c", _RACER, db.url, now], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    for (_out, err), p in zip(results, procs):
        assert p.returncode == 0, err
    warnings, breaches, closed = (sum(int(out.split()[i]) for out, _e in results) for i in range(3))
    # 8 open requests breached both clocks, each breach once, each warning's row written silently.
    assert (warnings, breaches, closed) == (0, 8 * 2, 4)
    with db.read() as s:
        events = [(e.request_id, e.kind) for e in s.execute(select(RequestSlaEvent)).scalars()]
        closed_now = s.execute(select(ServiceRequest.id).where(ServiceRequest.status == S.CLOSED)).scalars().all()
        told = s.execute(select(OutboxMessage).where(OutboxMessage.template == "request_auto_closed")).scalars().all()
    assert len(events) == len(set(events)) == 8 * 4
    assert sorted(closed_now) == sorted(made[:4]) and len(told) == 4
