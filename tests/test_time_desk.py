"""Time, subscriptions, change requests and statements through the desk, on both engines (R36, R41)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from helpdesk_tui.desk import admin, change_requests, incidents, settings, statements, subscriptions, time_entries
from helpdesk_tui.domain.errors import PermissionDenied, RuleViolation
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.domain.sla import URGENT_REASONS
from helpdesk_tui.store.models import Incident, Organisation, Person, WorkGroup
from helpdesk_tui.store.types import set_clock
from tests.world import seed

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv


@pytest.fixture
def clock() -> Iterator[list[datetime]]:
    now = [NOW]
    set_clock(lambda: now[0])
    yield now
    set_clock(None)


@pytest.fixture
def desk(db, clock):
    w = seed(db)
    with db.write() as s:
        org = admin.create_organisation(s, w.admin, name="ТОВ «Ромашка»", subscription_hours=10)
        dev = admin.create_group(s, w.admin, name="Розробки та впроваджень")
        admin.add_member(s, w.admin, dev, w.specialist)
        caller = admin.create_person(s, w.admin, login="petro", full_name="Петро Клієнт", email="petro@romashka.example",
                                     organisation=org)
        small = admin.create_category(s, w.admin, name="Дрібна зміна", service=w.service, small_change=True)
        cr_category = admin.create_category(s, w.admin, name="Доопрацювання", service=w.service, kind="change_request")
        ids = {"org": org.id, "caller": caller.id, "small": small.id, "cr": cr_category.id, "dev": dev.id}
    return db, w, ids


def _incident(s, w, ids, **kw) -> Incident:
    kw.setdefault("caller", s.get(Person, ids["caller"]))
    return incidents.register_incident(s, w.analyst, short_description=kw.pop("short", "Не друкує чек"),
                                       group=kw.pop("group", w.first_line), **kw)


def test_time_logged_on_a_ticket_counts_against_its_clients_month(desk):
    db, w, ids = desk
    with db.write() as s:
        inc = _incident(s, w, ids)
        ticket = time_entries.ticket_of(s, "incident", inc.id)
        logged = time_entries.log_time(s, w.analyst, ticket, minutes=90, note="Налаштував касу")
        time_entries.log_time(s, w.colleague, ticket, minutes=30, billable=False, note="Жест доброї волі")
        assert logged.ticket_minutes == 90
    with db.read() as s:
        use = subscriptions.month_use(s, ids["org"], date(2026, 11, 1))
        assert (use.included_minutes, use.used_minutes, use.outside_minutes) == (600, 90, 30)
        totals = time_entries.totals(s, time_entries.ticket_of(s, "incident", inc.id))
        assert totals.minutes == 120 and totals.counted == 90
        assert totals.by_person[0] == ("Іван Петренко", 90)
        rows = time_entries.entries(s, ticket)
        assert [r["person"] for r in rows] == ["Марія Коваль", "Іван Петренко"]


def test_entries_in_the_future_or_of_nothing_are_refused_and_only_the_author_removes_one(desk):
    db, w, ids = desk
    with db.write() as s:
        ticket = time_entries.ticket_of(s, "incident", _incident(s, w, ids).id)
        with pytest.raises(RuleViolation):
            time_entries.log_time(s, w.analyst, ticket, minutes=30, work_date=date(2026, 11, 21))
        with pytest.raises(RuleViolation):
            time_entries.log_time(s, w.analyst, ticket, minutes=0)
        entry = time_entries.log_time(s, w.analyst, ticket, minutes=30).entry
        with pytest.raises(PermissionDenied):
            time_entries.delete_time(s, w.colleague, entry.id)
        with pytest.raises(PermissionDenied):
            time_entries.log_time(s, s.get(Person, ids["caller"]), ticket, minutes=30)  # a caller is no analyst
        time_entries.delete_time(s, w.admin, entry.id)
    with db.read() as s:
        assert subscriptions.month_use(s, ids["org"], date(2026, 11, 1)).used_minutes == 0


def test_the_warning_comes_once_when_the_client_passes_80_and_100_percent(desk):
    db, w, ids = desk
    with db.write() as s:
        ticket = time_entries.ticket_of(s, "incident", _incident(s, w, ids).id)
        warnings = [time_entries.log_time(s, w.analyst, ticket, minutes=m).warning for m in (400, 79, 1, 60, 59, 1, 5)]
    assert warnings == [None, None, 0.8, None, None, 1.0, None]


def test_the_timer_survives_a_restart_and_logs_rounded_minutes(desk, clock):
    db, w, ids = desk
    with db.write() as s:
        first = time_entries.ticket_of(s, "incident", _incident(s, w, ids).id)
        second = time_entries.ticket_of(s, "incident", _incident(s, w, ids, short="Інше").id)
        time_entries.start_timer(s, w.analyst, first)
    clock[0] = NOW + timedelta(minutes=20, seconds=10)
    with db.write() as s:  # another process, after a restart: the timer is in the database
        analyst = s.get(Person, w.analyst.id)
        timer = time_entries.running(s, analyst)
        assert (timer.record_kind, timer.record_id) == ("incident", first.id)
        stopped = time_entries.start_timer(s, analyst, second)  # starting elsewhere stops the first
        assert stopped.entry.minutes == 21 and stopped.entry.record_id == first.id
    clock[0] += timedelta(seconds=10)
    with db.write() as s:
        nothing = time_entries.stop_timer(s, s.get(Person, w.analyst.id))
        assert nothing.entry is None  # ten seconds is a slip of the key
        assert time_entries.running(s, s.get(Person, w.analyst.id)) is None
        with pytest.raises(RuleViolation):
            time_entries.stop_timer(s, s.get(Person, w.analyst.id))


def test_a_timer_started_before_midnight_logs_on_its_starting_day(desk, clock):
    db, w, ids = desk
    clock[0] = datetime(2026, 11, 30, 21, 40, tzinfo=UTC)  # 23:40 in Kyiv, the last day of November
    with db.write() as s:
        time_entries.start_timer(s, w.analyst, time_entries.ticket_of(s, "incident", _incident(s, w, ids).id))
    clock[0] = datetime(2026, 11, 30, 22, 40, tzinfo=UTC)  # 00:40 on 1 December
    with db.write() as s:
        entry = time_entries.stop_timer(s, s.get(Person, w.analyst.id)).entry
    assert entry.work_date == date(2026, 11, 30) and entry.minutes == 60
    with db.read() as s:
        assert subscriptions.month_use(s, ids["org"], date(2026, 11, 1)).used_minutes == 60
        assert subscriptions.month_use(s, ids["org"], date(2026, 12, 1)).used_minutes == 0


def test_a_subscription_change_takes_effect_from_its_month_and_keeps_the_past(desk):
    db, w, ids = desk
    with db.write() as s:
        org = s.get(Organisation, ids["org"])
        subscriptions.set_subscription(s, w.admin, org, hours=20, from_month=date(2026, 12, 1))
        subscriptions.set_subscription(s, w.admin, org, hours=5, from_month=date(2026, 6, 1))
        with pytest.raises(PermissionDenied):
            subscriptions.set_subscription(s, w.analyst, org, hours=100, from_month=date(2026, 12, 1))
    with db.read() as s:
        assert subscriptions.included_minutes(s, ids["org"], date(2026, 5, 1)) == 0
        assert subscriptions.included_minutes(s, ids["org"], date(2026, 7, 1)) == 300
        assert subscriptions.included_minutes(s, ids["org"], date(2026, 11, 1)) == 600
        assert subscriptions.included_minutes(s, ids["org"], date(2027, 3, 1)) == 1200
        assert [h.minutes for h in subscriptions.history(s, ids["org"])] == [300, 600, 1200]


def test_a_change_request_goes_to_development_never_counts_and_starts_only_when_agreed(desk):
    db, w, ids = desk
    with db.write() as s:
        inc = _incident(s, w, ids, category=None, group=None, owner=None, service=w.service, kind="change_request")
        assert s.get(WorkGroup, inc.group_id).name == "Розробки та впроваджень"
        ticket = time_entries.ticket_of(s, "incident", inc.id)
        time_entries.log_time(s, w.specialist, ticket, minutes=120)
        with pytest.raises(RuleViolation, match="agreement"):
            incidents.change_status(s, w.analyst, inc, S.IN_PROGRESS, impact=2, urgency=2, owner=w.specialist,
                                    category=s.get(incidents.Category, ids["cr"]))
        change_requests.record_agreement(s, w.analyst, inc, "По телефону, директор Петро Клієнт")
        incidents.change_status(s, w.analyst, inc, S.IN_PROGRESS, impact=2, urgency=2, owner=w.specialist,
                                category=s.get(incidents.Category, ids["cr"]))
    with db.read() as s:
        use = subscriptions.month_use(s, ids["org"], date(2026, 11, 1))
        assert (use.used_minutes, use.outside_minutes) == (0, 120)


def test_reclassifying_turns_the_tickets_time_both_ways_and_keeps_each_entrys_choice(desk):
    db, w, ids = desk
    with db.write() as s:
        inc = _incident(s, w, ids, category=s.get(incidents.Category, ids["small"]), service=w.service)
        ticket = time_entries.ticket_of(s, "incident", inc.id)
        assert time_entries.log_time(s, w.analyst, ticket, minutes=20).offer_change_request is False
        logged = time_entries.log_time(s, w.analyst, ticket, minutes=15)
        assert logged.offer_change_request is True  # 35 minutes on a small change: ask, never force
        time_entries.log_time(s, w.analyst, ticket, minutes=10, billable=False)
        change = change_requests.set_kind(s, w.analyst, inc, "change_request")
        assert change.group == "Розробки та впроваджень"
    with db.read() as s:
        assert subscriptions.month_use(s, ids["org"], date(2026, 11, 1)).used_minutes == 0
    with db.write() as s:
        change_requests.set_kind(s, w.analyst, s.get(Incident, inc.id), "incident")
    with db.read() as s:
        use = subscriptions.month_use(s, ids["org"], date(2026, 11, 1))
        assert (use.used_minutes, use.outside_minutes) == (35, 10)


def test_a_missing_development_group_is_said_and_the_ticket_stays_in_its_group(desk):
    db, w, ids = desk
    settings.configure(settings.DeskSettings(development_group="Немає такої"))
    with db.write() as s:
        inc = _incident(s, w, ids)
        change = change_requests.set_kind(s, w.analyst, inc, "change_request")
        assert change.missing_group == "Немає такої" and change.incident.group_id == w.first_line.id


def test_the_statement_and_the_internal_report_add_up(desk, clock):
    db, w, ids = desk
    with db.write() as s:
        done = _incident(s, w, ids, short="Закрито")
        still = _incident(s, w, ids, short="Ще відкрите")
        cr = _incident(s, w, ids, short="Нова звітність", kind="change_request")
        for inc, minutes in ((done, 400), (still, 300), (cr, 240)):
            time_entries.log_time(s, w.analyst, time_entries.ticket_of(s, "incident", inc.id), minutes=minutes,
                                  work_date=date(2026, 11, 3))
        time_entries.log_time(s, w.analyst, time_entries.ticket_of(s, "incident", done.id), minutes=60,
                              work_date=date(2026, 10, 31))  # October's, not November's
        incidents.resolve_incident(s, w.analyst, done, solution="Готово", reason_code="advice",
                                   resolve_with_open_tasks=False)
    with db.read() as s:
        org = s.get(Organisation, ids["org"])
        act = statements.statement(s, w.analyst, org, date(2026, 11, 1))
        assert (act.subscription_minutes, act.used_minutes, act.outside_minutes) == (600, 700, 240)
        assert act.over_minutes == 100 and act.lines == () and act.tickets == 2
        report = statements.statement(s, w.analyst, org, date(2026, 11, 1), internal=True)
        assert [(line.number, line.minutes, line.counted_minutes) for line in report.lines] == [
            (done.number, 400, 400), (still.number, 300, 300), (cr.number, 240, 0)]
        assert report.lines[0].completed_on == date(2026, 11, 20) and report.lines[1].completed_on is None
        assert sum(line.counted_minutes for line in report.lines) == report.used_minutes
        every = statements.statements(s, w.analyst, date(2026, 11, 1))
        assert [a.client for a in every] == ["ТОВ «Ромашка»"]


@pytest.mark.parametrize("mode, due", [
    ("working_day", datetime(2026, 11, 23, 14, 0, tzinfo=UTC)),    # Monday 16:00 in Kyiv: one working day on
    ("working_hours", datetime(2026, 11, 25, 14, 0, tzinfo=UTC)),  # 24 working hours: Wednesday 16:00
    ("calendar", datetime(2026, 11, 21, 14, 0, tzinfo=UTC)),       # 24 clock hours: Saturday 16:00
])
def test_how_up_to_24_hours_is_counted_is_a_setting(desk, clock, mode, due):
    from helpdesk_tui.desk import reaction_clock

    db, w, ids = desk
    clock[0] = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # Friday 16:00 in Kyiv
    with db.write() as s:
        assert reaction_clock.current(s) == "working_day"
        if mode != "working_day":
            with pytest.raises(PermissionDenied):
                reaction_clock.set_mode(s, w.analyst, mode)
            reaction_clock.set_mode(s, w.admin, mode)
        inc = _incident(s, w, ids, criticality="medium")
        urgent = _incident(s, w, ids, criticality="urgent", urgent_reason=next(iter(URGENT_REASONS)))
        assert (inc.response_due, urgent.response_due) == (due, datetime(2026, 11, 20, 15, 0, tzinfo=UTC))  # within the hour
    with db.read() as s:
        assert reaction_clock.current(s) == mode
