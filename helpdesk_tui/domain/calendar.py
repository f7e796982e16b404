"""Business calendars (R33): weekly working hours with breaks, a time zone, holidays and extra
working days. Pure arithmetic on aware datetimes, exact to the microsecond, across lunch,
weekends, holidays and daylight-saving switches.

Working time is measured as an offset on the calendar's own time line: the working seconds
from an epoch to a moment. `between(a, b)` is a subtraction and `add(t, d)` a search in the
cumulative table of day starts, so an SLA sweep over 100k incidents does no day-by-day walks.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Period = tuple[int, int]  # minutes from local midnight, end exclusive; (0, 1440) is the whole day
EPOCH = date(2000, 1, 1)
MAX_SEARCH_DAYS = 366 * 20
_DAY = timedelta(days=1)


def default_week() -> dict[int, tuple[Period, ...]]:
    """Mon–Fri 08:00–17:00 with lunch 12:30–13:30, as the service-desk rules say (R33)."""
    return {d: ((8 * 60, 12 * 60 + 30), (13 * 60 + 30, 17 * 60)) for d in range(5)}


def check_periods(periods: tuple[Period, ...]) -> None:
    last = -1
    for start, end in periods:
        if not (0 <= start < end <= 1440) or start < last:
            raise ValueError(f"working periods must be ordered minutes within a day: {periods}")
        last = end


@dataclass(frozen=True)
class BusinessCalendar:
    name: str
    timezone: str = "Europe/Kyiv"
    week: Mapping[int, tuple[Period, ...]] = field(default_factory=default_week)
    holidays: frozenset[date] = frozenset()
    extra_working_days: Mapping[date, tuple[Period, ...]] = field(default_factory=dict)
    always: bool = False  # 24×7: every moment is working time
    _cache: dict[str, list[int]] = field(default_factory=dict, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        for periods in list(self.week.values()) + list(self.extra_working_days.values()):
            check_periods(periods)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def periods(self, day: date) -> tuple[Period, ...]:
        if self.always:
            return ((0, 1440),)
        if day in self.extra_working_days:
            return self.extra_working_days[day]
        if day in self.holidays:
            return ()
        return self.week.get(day.weekday(), ())

    def is_working_day(self, day: date) -> bool:
        return bool(self.periods(day))

    # --- local wall time to UTC ----------------------------------------------------------------

    def _at(self, day: date, minute: int) -> datetime:
        if minute >= 1440:
            day, minute = day + _DAY, minute - 1440
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
        return local.astimezone(UTC)

    def _spans(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(self._at(day, s), self._at(day, e)) for s, e in self.periods(day)]

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    # --- the working-time line -----------------------------------------------------------------

    def _day_seconds(self, day: date) -> int:
        return sum(int((e - s).total_seconds()) for s, e in self._spans(day))

    def _cumulative(self, day: date) -> int:
        """Working seconds from EPOCH to the start of `day` (negative before it)."""
        index = (day - EPOCH).days
        table = self._cache.setdefault("cum", [0])  # table[i]: start of EPOCH + (lo + i) days
        lo = self._cache.setdefault("lo", [0])
        while index < lo[0]:
            first = EPOCH + timedelta(days=lo[0] - 1)
            table.insert(0, table[0] - self._day_seconds(first))
            lo[0] -= 1
        while index - lo[0] >= len(table):
            last = EPOCH + timedelta(days=lo[0] + len(table) - 1)
            table.append(table[-1] + self._day_seconds(last))
        return table[index - lo[0]]

    def offset(self, moment: datetime) -> timedelta:
        """Working time from the calendar's epoch to `moment` (exact, microseconds included)."""
        if self.always:
            return moment - datetime.combine(EPOCH, time(), tzinfo=UTC)
        day = self.local_date(moment)
        seconds = timedelta(seconds=self._cumulative(day))
        for start, end in self._spans(day):
            if moment <= start:
                break
            seconds += min(moment, end) - start
        return seconds

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from `a` to `b`; zero when `b` is not after `a`."""
        if b <= a:
            return timedelta(0)
        return self.offset(b) - self.offset(a)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start`.

        A result that falls exactly on the end of a period is that end (12:30, 17:00): the
        deadline is met by anything done before the break begins.
        """
        if duration < timedelta(0):
            raise ValueError("working time to add must not be negative")
        start = start.astimezone(UTC)  # in UTC, so adding is in real time across DST switches
        if self.always:
            return start + duration
        if duration == timedelta(0):
            return start
        target = self.offset(start) + duration
        target_s = target.total_seconds()
        day = self.local_date(start)
        # Find the day whose working time contains the target: binary search over day starts.
        lo_day, hi_day = day, day + _DAY
        steps = 1
        while self._cumulative(hi_day) < target_s:
            steps *= 2
            hi_day = day + timedelta(days=steps)
            if steps > MAX_SEARCH_DAYS:
                raise ValueError(f"calendar «{self.name}» has no working time left to add {duration}")
        ords = range((lo_day - EPOCH).days, (hi_day - EPOCH).days + 1)
        i = bisect.bisect_left(ords, target_s, key=lambda o: self._cumulative(EPOCH + timedelta(days=o)))
        found = EPOCH + timedelta(days=ords[max(i - 1, 0)])
        remaining = target - timedelta(seconds=self._cumulative(found))
        while True:
            for s, e in self._spans(found):
                span = e - s
                if remaining <= span:
                    return s + remaining
                remaining -= span
            found += _DAY  # only when the target is the very end of the previous day

    def is_working(self, moment: datetime) -> bool:
        if self.always:
            return True
        return any(s <= moment < e for s, e in self._spans(self.local_date(moment)))

    def working_days_after(self, start: datetime, days: int) -> datetime:
        """The same wall-clock time `days` working days later (auto-close counted in working days)."""
        if days < 0:
            raise ValueError("working days to add must not be negative")
        local = start.astimezone(self.zone)
        day, left = local.date(), days
        for _ in range(MAX_SEARCH_DAYS):
            if left == 0:
                break
            day += _DAY
            if self.is_working_day(day):
                left -= 1
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=self.zone).astimezone(UTC)


def around_the_clock(name: str = "24×7", timezone: str = "Europe/Kyiv") -> BusinessCalendar:
    return BusinessCalendar(name=name, timezone=timezone, week={d: ((0, 1440),) for d in range(7)}, always=True)
