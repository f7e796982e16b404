"""Business calendars (R33): property tests, daylight-saving switches and worked examples.

Code under test: helpdesk_tui/domain/calendar.py. Expected values in the worked examples are
written by hand from the service-desk rules (Mon–Fri 08:00–12:30, 13:30–17:00, Europe/Kyiv).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpdesk_tui.domain.calendar import BusinessCalendar, around_the_clock, default_week

KYIV = ZoneInfo("Europe/Kyiv")
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
US = timedelta(microseconds=1)

FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2028, 12, 31)
DEFAULT_PERIODS = ((8 * 60, 12 * 60 + 30), (13 * 60 + 30, 17 * 60))


def kyiv(*args: int) -> datetime:
    return datetime(*args, tzinfo=KYIV)


def local(cal: BusinessCalendar, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(cal.timezone))


# --- calendars --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A calendar with the length of its working day, so durations scale to "30 working days"."""

    cal: BusinessCalendar
    day: timedelta

    def __repr__(self) -> str:  # short and readable in Hypothesis' falsifying examples
        c = self.cal
        return (
            f"Case({c.name!r}, tz={c.timezone}, always={c.always}, "
            f"holidays={sorted(c.holidays)}, extra={sorted(c.extra_working_days)})"
        )


# Shared instances keep their cumulative tables between examples.
DEFAULT = Case(BusinessCalendar("default"), 8 * H)
ODD_WEEK = Case(BusinessCalendar("saturday mornings", week={5: ((10 * 60, 14 * 60),)}), 4 * H)
ALWAYS = Case(around_the_clock(), 24 * H)
NEW_YORK = Case(BusinessCalendar("new york", timezone="America/New_York"), 8 * H)


def _saturday_on_or_after(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7)


@st.composite
def default_with_holidays(draw: st.DrawFn) -> Case:
    days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
    holidays = draw(st.frozensets(days, max_size=60))
    saturdays = draw(st.lists(days.map(_saturday_on_or_after), max_size=6))
    extra = {d: DEFAULT_PERIODS for d in saturdays if d <= LAST_DAY}
    cal = BusinessCalendar("holidays", holidays=holidays, extra_working_days=extra)
    return Case(cal, 8 * H)


calendars = st.one_of(
    st.just(DEFAULT),
    default_with_holidays(),
    st.just(ODD_WEEK),
    st.just(ALWAYS),
    st.just(NEW_YORK),
)

_anywhere = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2028, 12, 31, 23, 59, 59, 999999),
    timezones=st.just(UTC),
)
# Daylight-saving switches (Kyiv and New York) are rare among uniform draws: also draw moments
# up to six weeks either side of one.
_SWITCHES = [
    datetime(year, month, day, tzinfo=UTC)
    for year in range(2024, 2029)
    for month, day in ((3, 8), (3, 25), (10, 25), (11, 1))
]
_near_a_switch = st.builds(
    lambda switch, us: min(max(switch + us * US, datetime(2024, 1, 1, tzinfo=UTC)), datetime(2028, 12, 31, tzinfo=UTC)),
    st.sampled_from(_SWITCHES),
    st.integers(-42 * 86_400 * 10**6, 42 * 86_400 * 10**6),
)
moments = st.one_of(_anywhere, _near_a_switch)


def durations(case: Case) -> st.SearchStrategy[timedelta]:
    """0 to 30 working days, either in whole minutes or to the microsecond."""
    limit = 30 * case.day
    in_minutes = st.integers(0, limit // MIN).map(lambda m: m * MIN)
    in_microseconds = st.integers(0, limit // US).map(lambda u: u * US)
    return st.one_of(in_minutes, in_microseconds)


def in_a_working_period(cal: BusinessCalendar, moment: datetime) -> bool:
    """The moment's local wall time is within [start, end] of a period of its local working day.

    A period ending at 24:00 ends at 00:00 of the next local day, so that day is checked too.
    """
    wall = local(cal, moment)
    day = wall.date()
    into = wall.replace(tzinfo=None) - datetime.combine(day, datetime.min.time())
    candidates = [(day, into), (day - timedelta(days=1), into + timedelta(days=1))]
    for d, t in candidates:
        for start, end in cal.periods(d):
            if start * MIN <= t <= end * MIN:
                return cal.is_working_day(d)
    return False


PROPS = settings(max_examples=300, deadline=None)


# --- 1. properties ----------------------------------------------------------------------------


@PROPS
@given(data=st.data(), case=calendars, start=moments)
def test_round_trip(data: st.DataObject, case: Case, start: datetime) -> None:
    d = data.draw(durations(case), label="duration")
    end = case.cal.add(start, d)
    assert case.cal.between(start, end) == d


@PROPS
@given(data=st.data(), case=calendars, start=moments)
def test_round_trip_from_a_local_start(data: st.DataObject, case: Case, start: datetime) -> None:
    """The same, with the start given in the calendar's own zone rather than in UTC."""
    d = data.draw(durations(case), label="duration")
    start = local(case.cal, start)
    end = case.cal.add(start, d)
    assert case.cal.between(start, end) == d
    assert case.cal.between(start.astimezone(UTC), end.astimezone(UTC)) == d


@PROPS
@given(data=st.data(), case=calendars, start=moments)
def test_add_is_monotone(data: st.DataObject, case: Case, start: datetime) -> None:
    d1, d2 = sorted(data.draw(st.lists(durations(case), min_size=2, max_size=2), label="durations"))
    assert case.cal.add(start, d1) <= case.cal.add(start, d2)


@PROPS
@given(case=calendars, three=st.lists(moments, min_size=3, max_size=3))
def test_between_is_additive_and_bounded(case: Case, three: list[datetime]) -> None:
    a, b, c = sorted(three)
    cal = case.cal
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)
    for x, y in ((a, b), (b, c), (a, c)):
        assert timedelta(0) <= cal.between(x, y) <= y - x
        assert cal.between(y, x) == timedelta(0)  # b <= a gives zero
    if case is ALWAYS:
        assert cal.between(a, c) == c - a


def _between_day_by_day(cal: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    """The slow, obvious answer: each local day's periods as wall times, overlapped with [a, b]."""
    zone = ZoneInfo(cal.timezone)
    total = timedelta(0)
    day = a.astimezone(zone).date() - timedelta(days=1)
    while day <= b.astimezone(zone).date():
        for start, end in cal.periods(day):
            opens = datetime.combine(day, datetime.min.time(), tzinfo=zone) + start * MIN
            closes = datetime.combine(day, datetime.min.time(), tzinfo=zone) + end * MIN
            # Wall times through a daylight-saving switch: normalise through UTC.
            opens = opens.astimezone(UTC).astimezone(zone).astimezone(UTC)
            closes = closes.astimezone(UTC).astimezone(zone).astimezone(UTC)
            low, high = max(a, opens), min(b, closes)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total


@settings(max_examples=300, deadline=None)
@given(case=st.one_of(st.just(DEFAULT), default_with_holidays(), st.just(ODD_WEEK), st.just(NEW_YORK)),
       a=moments, span=st.integers(0, 40 * 86_400 * 10**6))
def test_between_agrees_with_a_day_by_day_sum(case: Case, a: datetime, span: int) -> None:
    """The cumulative table against a plain walk over the days (an SLA is only as right as this)."""
    b = a + span * US
    assert case.cal.between(a, b) == _between_day_by_day(case.cal, a, b)


@PROPS
@given(data=st.data(), case=calendars, start=moments)
def test_result_lands_in_working_time(data: st.DataObject, case: Case, start: datetime) -> None:
    d = data.draw(durations(case), label="duration")
    assume(d > timedelta(0))
    cal = case.cal
    end = cal.add(start, d)
    assert end.utcoffset() == timedelta(0), "add returns an aware UTC datetime"
    assert end > start
    assert in_a_working_period(cal, end), f"{local(cal, end)} is not inside a working period"
    # ... and it is the earliest such moment: a microsecond earlier is not enough.
    assert cal.between(start, end - US) < d


@PROPS
@given(case=calendars, start=moments, negative=st.integers(max_value=-1, min_value=-(10**14)))
def test_zero_and_negative_durations(case: Case, start: datetime, negative: int) -> None:
    assert case.cal.add(start, timedelta(0)) == start
    with pytest.raises(ValueError):
        case.cal.add(start, timedelta(microseconds=negative))


# --- 2. daylight saving -----------------------------------------------------------------------


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


YEARS = range(2024, 2029)


@pytest.mark.parametrize("year", YEARS)
def test_24x7_day_lengths_across_the_switches(year: int) -> None:
    cal = around_the_clock()
    spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
    assert spring.weekday() == 6 and autumn.weekday() == 6

    def day_length(day: date) -> timedelta:
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=KYIV)
        next_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=KYIV)
        return cal.between(midnight, next_midnight)

    assert day_length(spring) == 23 * H
    assert day_length(autumn) == 25 * H
    assert day_length(spring - timedelta(days=1)) == 24 * H
    assert day_length(autumn + timedelta(days=1)) == 24 * H


@pytest.mark.parametrize(
    ("local_start", "duration", "expected_local"),
    [
        # Kyiv midnight before the spring switch: 24 real hours later is 01:00 the next day.
        (kyiv(2026, 3, 29), 24 * H, kyiv(2026, 3, 30, 1)),
        # Autumn: 24 real hours after midnight is 23:00 the same day.
        (kyiv(2026, 10, 25), 24 * H, kyiv(2026, 10, 25, 23)),
        (kyiv(2026, 3, 29, 2, 30), 1 * H, kyiv(2026, 3, 29, 4, 30)),
    ],
)
def test_24x7_add_counts_real_hours_from_a_local_start(
    local_start: datetime, duration: timedelta, expected_local: datetime
) -> None:
    cal = around_the_clock()
    end = cal.add(local_start, duration)
    assert end == expected_local
    assert end - local_start.astimezone(UTC) == duration
    assert cal.between(local_start, end) == duration


@pytest.mark.parametrize(
    ("case", "duration"),
    [(DEFAULT, H), (NEW_YORK, H), (DEFAULT, timedelta(0)), (ALWAYS, H), (ALWAYS, timedelta(0))],
    ids=["default-1h", "new-york-1h", "default-0", "24x7-1h", "24x7-0"],
)
def test_add_returns_utc_for_a_local_start(case: Case, duration: timedelta) -> None:
    """add(start: aware, duration) -> aware UTC datetime, whatever zone the start is given in."""
    start = kyiv(2026, 11, 18, 10)
    end = case.cal.add(start, duration)
    assert end.tzinfo is not None and end.utcoffset() == timedelta(0), f"{end!r} is not UTC"
    assert case.cal.between(start, end) == duration


@pytest.mark.parametrize(
    ("friday", "monday"),
    [(date(2026, 3, 27), date(2026, 3, 30)), (date(2026, 10, 23), date(2026, 10, 26))],
    ids=["march", "october"],
)
def test_business_arithmetic_across_the_switch_weekend(friday: date, monday: date) -> None:
    cal = DEFAULT.cal
    fri_16 = datetime.combine(friday, datetime.min.time(), tzinfo=KYIV).replace(hour=16)
    mon_09 = datetime.combine(monday, datetime.min.time(), tzinfo=KYIV).replace(hour=9)
    assert cal.add(fri_16, 2 * H) == mon_09
    assert cal.add(fri_16.astimezone(UTC), 2 * H) == mon_09
    assert cal.between(fri_16, mon_09) == 2 * H
    # Friday 17:00 is the end; Monday 08:00 the start: nothing in between.
    assert cal.between(fri_16 + H, mon_09 - H) == timedelta(0)
    assert cal.add(fri_16, H) == fri_16 + H  # ends exactly at 17:00, stays there
    assert local(cal, cal.add(fri_16, H + US)) == mon_09 - H + US
    assert cal.working_days_after(fri_16, 1) == mon_09.replace(hour=16)


@pytest.mark.parametrize(
    ("sunday", "real_length", "utc_start", "utc_end"),
    [
        # 02:00 EET (UTC+2) .. 05:00 EEST (UTC+3): 03:00–04:00 does not exist.
        (date(2026, 3, 29), 2 * H, datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC)),
        # 02:00 EEST (UTC+3) .. 05:00 EET (UTC+2): 03:00–04:00 happens twice.
        (date(2026, 10, 25), 4 * H, datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 3, tzinfo=UTC)),
    ],
    ids=["march", "october"],
)
def test_wall_clock_period_through_the_switch(
    sunday: date, real_length: timedelta, utc_start: datetime, utc_end: datetime
) -> None:
    cal = BusinessCalendar("night shift", extra_working_days={sunday: ((2 * 60, 5 * 60),)})
    assert cal.periods(sunday) == ((120, 300),)
    assert cal.is_working_day(sunday)
    midnight = datetime.combine(sunday, datetime.min.time(), tzinfo=KYIV)
    next_midnight = datetime.combine(sunday + timedelta(days=1), datetime.min.time(), tzinfo=KYIV)
    two, five = midnight.replace(hour=2), midnight.replace(hour=5)
    assert two == utc_start and five == utc_end
    assert utc_end - utc_start == real_length  # (aware minus aware in one zone is wall-clock time)

    assert cal.between(two, five) == real_length
    assert cal.between(midnight, next_midnight) == real_length
    assert cal.add(two, real_length) == five
    assert cal.add(midnight, real_length) == five  # the period's end, not Monday 08:00
    assert cal.add(midnight, real_length + US) == kyiv(2026, sunday.month, sunday.day + 1, 8) + US
    # Every real minute inside the period is working time, and counted once.
    for minutes in range(0, int(real_length / MIN), 7):
        moment = utc_start + minutes * MIN
        assert cal.is_working(moment)
        assert cal.between(two, moment) == minutes * MIN
        assert cal.add(two, minutes * MIN) == moment
    assert not cal.is_working(utc_end)
    assert not cal.is_working(utc_start - US)


# --- 3. worked examples -----------------------------------------------------------------------


def test_question_answered_after_the_weekend() -> None:
    # Friday 16:50 .. 17:00 = 10 min; Monday 08:00 .. 09:10 = 70 min.
    cal = DEFAULT.cal
    assert cal.between(kyiv(2026, 11, 20, 16, 50), kyiv(2026, 11, 23, 9, 10)) == 80 * MIN
    assert cal.add(kyiv(2026, 11, 20, 16, 50), 80 * MIN) == kyiv(2026, 11, 23, 9, 10)


def test_urgent_ticket_before_lunch() -> None:
    # Wednesday 12:20: 10 minutes before lunch, 50 after it.
    cal = DEFAULT.cal
    opened = kyiv(2026, 11, 18, 12, 20)
    assert opened.weekday() == 2
    assert cal.add(opened, H) == kyiv(2026, 11, 18, 14, 20)
    assert cal.between(opened, kyiv(2026, 11, 18, 14, 20)) == H
    # Exactly at the start of lunch the deadline is 12:30, not 13:30.
    assert cal.add(opened, 10 * MIN) == kyiv(2026, 11, 18, 12, 30)
    assert cal.add(opened, 10 * MIN + US) == kyiv(2026, 11, 18, 13, 30) + US
    assert cal.between(kyiv(2026, 11, 18, 12, 30), kyiv(2026, 11, 18, 13, 30)) == timedelta(0)


def test_working_and_break_edges() -> None:
    cal = DEFAULT.cal
    assert cal.is_working(kyiv(2026, 11, 18, 8))
    assert not cal.is_working(kyiv(2026, 11, 18, 8) - US)
    assert cal.is_working(kyiv(2026, 11, 18, 12, 30) - US)
    assert not cal.is_working(kyiv(2026, 11, 18, 12, 30))
    assert cal.is_working(kyiv(2026, 11, 18, 13, 30))
    assert not cal.is_working(kyiv(2026, 11, 18, 17))
    assert not cal.is_working(kyiv(2026, 11, 21, 10))  # Saturday
    assert cal.periods(date(2026, 11, 18)) == DEFAULT_PERIODS
    assert cal.periods(date(2026, 11, 22)) == ()
    assert default_week()[0] == DEFAULT_PERIODS and 5 not in default_week()


def test_holiday_is_skipped() -> None:
    christmas = date(2026, 12, 25)
    assert christmas.weekday() == 4
    plain = BusinessCalendar("plain")
    cal = BusinessCalendar("with christmas", holidays=frozenset({christmas}))
    thursday_16 = kyiv(2026, 12, 24, 16)
    assert plain.add(thursday_16, 2 * H) == kyiv(2026, 12, 25, 9)
    assert cal.add(thursday_16, 2 * H) == kyiv(2026, 12, 28, 9)
    assert cal.between(thursday_16, kyiv(2026, 12, 28, 9)) == 2 * H
    assert not cal.is_working_day(christmas)
    assert not cal.is_working(kyiv(2026, 12, 25, 10))
    assert cal.periods(christmas) == ()


def test_extra_working_saturday_counts() -> None:
    saturday = date(2026, 12, 26)
    cal = BusinessCalendar("saturday", extra_working_days={saturday: DEFAULT_PERIODS})
    assert cal.is_working_day(saturday)
    assert cal.add(kyiv(2026, 12, 25, 16), 2 * H) == kyiv(2026, 12, 26, 9)
    assert cal.between(kyiv(2026, 12, 25, 17), kyiv(2026, 12, 28, 8)) == 8 * H
    assert cal.is_working(kyiv(2026, 12, 26, 10))
    # An extra working day wins over a holiday on the same date.
    both = BusinessCalendar("both", holidays=frozenset({saturday}), extra_working_days={saturday: ((600, 660),)})
    assert both.periods(saturday) == ((600, 660),)
    assert both.between(kyiv(2026, 12, 26), kyiv(2026, 12, 27)) == H


def test_working_days_after() -> None:
    cal = DEFAULT.cal
    friday_15 = kyiv(2026, 11, 20, 15)
    assert cal.working_days_after(friday_15, 5) == kyiv(2026, 11, 27, 15)
    assert cal.working_days_after(friday_15, 1) == kyiv(2026, 11, 23, 15)
    assert cal.working_days_after(friday_15, 0) == friday_15
    with_holiday = BusinessCalendar("holiday", holidays=frozenset({date(2026, 11, 25)}))
    assert with_holiday.working_days_after(friday_15, 5) == kyiv(2026, 11, 30, 15)
    # Wall-clock time is kept across the October switch (Fri EEST -> Mon EET).
    assert cal.working_days_after(kyiv(2026, 10, 23, 15), 1) == kyiv(2026, 10, 26, 15)


def test_bad_periods_are_rejected() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar("backwards", week={0: ((600, 540),)})
    with pytest.raises(ValueError):
        BusinessCalendar("overlap", week={0: ((480, 720), (700, 900))})
    with pytest.raises(ValueError):
        BusinessCalendar("too long", extra_working_days={date(2026, 1, 3): ((0, 1441),)})


def test_no_working_time_left_raises() -> None:
    cal = BusinessCalendar("never", week={})
    with pytest.raises(ValueError):
        cal.add(kyiv(2026, 1, 1), MIN)


# --- 4. performance sanity --------------------------------------------------------------------


def test_ten_thousand_between_calls() -> None:
    rng = random.Random(33)
    cal = BusinessCalendar("perf", holidays=frozenset({date(2026, 1, 1), date(2026, 12, 25)}))
    lo = datetime(2024, 1, 1, tzinfo=UTC)
    span = int((datetime(2029, 1, 1, tzinfo=UTC) - lo) / US)
    total = timedelta(0)
    for _ in range(10_000):
        a = lo + rng.randrange(span) * US
        b = lo + rng.randrange(span) * US
        w = cal.between(a, b)
        assert timedelta(0) <= w <= max(b - a, timedelta(0))
        total += w
    assert total > timedelta(0)
