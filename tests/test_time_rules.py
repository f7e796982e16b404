"""The pure rules of time and subscriptions (R36, R41): durations as typed, months in Kyiv,
the timer's rounding, the warnings, the half-hour rule and the statement's sums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.statements import Statement
from helpdesk_tui.domain.timekeeping import (
    format_duration,
    format_hours,
    local_date,
    month_bounds,
    month_of,
    months_back,
    next_month,
    offers_change_request,
    parse_duration,
    parse_month,
    timer_minutes,
    warning_share,
)
from helpdesk_tui.i18n import set_language


@pytest.mark.parametrize("text, minutes", [
    ("1г 30хв", 90), ("1 год 30 хв", 90), ("1h30m", 90), ("1:30", 90), ("90", 90), ("1,5 год", 90),
    ("1.5h", 90), ("45хв", 45), ("2 години", 120), ("0:05", 5), ("1 hour 15 minutes", 75), ("  2Г  ", 120),
])
def test_durations_as_analysts_type_them(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "abc", "1:75", "1г 30", "30хв 20хв", "1x", "-5", "1г хв", "1:30:00"])
def test_what_is_not_a_duration_is_refused_with_an_example(text):
    with pytest.raises(RuleViolation) as err:
        parse_duration(text)
    assert "1:30" in str(err.value) or "zero" in str(err.value)


def test_zero_and_more_than_a_day_are_refused():
    for text in ("0", "0:00", "25г"):
        with pytest.raises(RuleViolation):
            parse_duration(text)


@given(st.integers(min_value=1, max_value=24 * 60))
def test_a_duration_reads_back_from_every_form_it_is_shown_in(minutes):
    hours, rest = divmod(minutes, 60)
    assert parse_duration(str(minutes)) == minutes
    assert parse_duration(f"{hours}:{rest:02d}") == minutes
    assert parse_duration(format_duration(minutes)) == minutes
    set_language("uk")
    try:
        assert parse_duration(format_duration(minutes)) == minutes
    finally:
        set_language("en")


def test_hours_in_the_language_of_the_statement():
    set_language("uk")
    try:
        assert format_hours(750) == "12,50"
        assert format_duration(90) == "1 год 30 хв"
    finally:
        set_language("en")
    assert format_hours(750) == "12.50"


@given(st.integers(min_value=0, max_value=2 * 86400), st.sampled_from([1, 5, 15, 30]))
def test_a_timer_logs_whole_started_minutes_rounded_up_to_the_step(seconds, step):
    start = datetime(2026, 11, 30, 21, 50, tzinfo=UTC)
    minutes = timer_minutes(start, start + timedelta(seconds=seconds), step)
    if seconds < 30:
        assert minutes == 0
    else:
        assert minutes % step == 0 or minutes == 24 * 60
        assert minutes * 60 >= min(seconds, 24 * 3600)
        assert minutes <= 24 * 60
        assert minutes * 60 - seconds < step * 60 + 60 or minutes == 24 * 60


def test_work_late_on_the_last_evening_of_the_month_is_that_months_in_kyiv():
    # 23:30 in Kyiv on 30 November is 21:30 UTC: November's work; 00:30 on 1 December is still
    # 30 November in UTC but December's in Kyiv.
    assert month_of(datetime(2026, 11, 30, 21, 30, tzinfo=UTC), "Europe/Kyiv") == date(2026, 11, 1)
    assert month_of(datetime(2026, 11, 30, 22, 30, tzinfo=UTC), "Europe/Kyiv") == date(2026, 12, 1)
    start, end = month_bounds(date(2026, 3, 1), "Europe/Kyiv")
    assert start == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)  # summer time began on the 29th


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_every_moment_falls_in_exactly_its_own_months_bounds(moment):
    month = month_of(moment, "Europe/Kyiv")
    start, end = month_bounds(month, "Europe/Kyiv")
    assert start <= moment < end
    assert local_date(moment, "Europe/Kyiv").replace(day=1) == month


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(min_value=1, max_value=36))
def test_months_back_are_consecutive_and_end_with_the_month(day, count):
    months = months_back(day, count)
    assert len(months) == count and months[-1] == day.replace(day=1)
    assert all(next_month(a) == b for a, b in zip(months, months[1:]))


def test_months_are_read_as_written():
    assert parse_month("2026-11") == date(2026, 11, 1)
    assert parse_month("11.2026") == date(2026, 11, 1)
    for bad in ("2026-13", "листопад", "", "2026/11"):
        with pytest.raises(RuleViolation):
            parse_month(bad)


def test_the_subscription_warns_at_80_and_100_percent():
    assert warning_share(0, 600) is None
    assert warning_share(479, 600) is None
    assert warning_share(480, 600) == 0.8
    assert warning_share(599, 600) == 0.8
    assert warning_share(600, 600) == 1.0
    assert warning_share(10, 0) == 1.0  # no hours included: the first minute is over


@given(st.integers(min_value=0, max_value=600), st.booleans(), st.sampled_from(["incident", "change_request"]))
def test_only_a_small_change_past_half_an_hour_is_offered_as_a_change_request(minutes, small, kind):
    offered = offers_change_request(kind, small, minutes)
    assert offered == (kind == "incident" and small and minutes > 30)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_a_statement_is_either_over_or_has_hours_left(included, used):
    s = Statement("Клієнт", date(2026, 11, 1), included, used)
    assert s.over_minutes * s.left_minutes == 0
    assert used - s.over_minutes + s.left_minutes == included


@pytest.mark.parametrize("subject, text, expected", [
    ("Терміново: не друкує чек", "Каса стоїть, покупці чекають", ("urgent", "operational_work_blocked", False)),
    ("ТЕРМІНОВО", "У більшості користувачів не відкривається 1С", ("urgent", "most_users_affected", False)),
    ("Urgent: director cannot log in", "", ("urgent", "management_affected", False)),
    ("Терміново!", "Просто дуже треба", (None, None, True)),
    ("Не термінове питання про звіт", "Коли буде оновлення?", (None, None, False)),
    ("Питання", "Терміново потрібен чек", (None, None, False)),  # the seed's mark is the subject's
])
def test_an_urgent_mail_with_one_of_the_three_reasons_is_urgent_and_without_one_is_left_to_the_analyst(
        subject, text, expected):
    from helpdesk_tui.domain.urgency import criticality_from_mail

    assert criticality_from_mail(subject, text) == expected
