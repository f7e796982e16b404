"""Business calendars (R33): weekly working hours with breaks, a time zone, holidays and extra
working days. Pure arithmetic on aware datetimes, exact to the microsecond, across lunch,
weekends, holidays and daylight-saving switches.

Working time is measured as an offset on the calendar's own time line: the working
microseconds from an epoch to a moment, in integers (exact). `between(a, b)` is a subtraction
and `add(t, d)` a bisection in the cumulative table of days, so an SLA sweep over 100k
incidents does no day-by-day walks and no time-zone conversions.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Period = tuple[int, int]  # minutes from local midnight, end exclusive; (0, 1440) is the whole day
EPOCH = date(2000, 1, 1)
EPOCH_UTC = datetime(2000, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
MAX_SEARCH_DAYS = 366 * 20
_bisect_left, _bisect_right = bisect.bisect_left, bisect.bisect_right
_DAY = timedelta(days=1)


def _us(moment: datetime) -> int:
    return (moment - EPOCH_UTC) // _ONE_US


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
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

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

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    # --- the working-time line, in integer microseconds since EPOCH_UTC ------------------------
    # One table row per local day: when the day starts (UTC), the working time before it, and
    # its working periods; bisect finds a moment's day and a target's day in C.

    def _table(self, near_us: int | None = None) -> dict[str, Any]:
        """The day table, started a week before the first moment asked about and grown both
        ways on demand (offsets are relative, so where it starts does not matter)."""
        table = self._cache.get("table")
        if table is None:
            near = EPOCH_UTC + timedelta(microseconds=near_us) if near_us is not None else datetime.now(UTC)
            first = self.local_date(near) - timedelta(days=7)
            table = self._cache["table"] = {"first": first, "starts": [], "cum": [], "spans": []}
            self._append(table)
        return table  # type: ignore[no-any-return]

    def _row(self, day: date) -> tuple[int, list[tuple[int, int]]]:
        start = _us(self._at(day, 0))
        spans = [(_us(self._at(day, s)), _us(self._at(day, e))) for s, e in self.periods(day)]
        return start, spans

    def _append(self, table: dict[str, Any]) -> None:
        day = table["first"] + timedelta(days=len(table["starts"]))
        start, spans = self._row(day)
        cum = table["cum"][-1] + sum(e - s for s, e in table["spans"][-1]) if table["cum"] else 0
        table["starts"].append(start)
        table["cum"].append(cum)
        table["spans"].append(spans)

    def _prepend(self, table: dict[str, Any]) -> None:
        day = table["first"] - _DAY
        start, spans = self._row(day)
        table["first"] = day
        table["starts"].insert(0, start)
        table["cum"].insert(0, table["cum"][0] - sum(e - s for s, e in spans))
        table["spans"].insert(0, spans)

    def _cover(self, table: dict[str, Any], moment_us: int) -> None:
        while moment_us < table["starts"][0]:
            self._prepend(table)
        while moment_us >= table["starts"][-1]:
            self._append(table)
            if len(table["starts"]) > MAX_SEARCH_DAYS * 2:
                raise ValueError("a moment too far from today for a business calendar")
        self._flatten(table)

    def _flatten(self, table: dict[str, Any]) -> None:
        """Every period's start and end in one sorted list, with the working time before each:
        a moment's offset is then one bisect and one subtraction (an SLA sweep asks 400k times)."""
        bounds: list[int] = []
        cums: list[int] = []
        for cum, spans in zip(table["cum"], table["spans"]):
            for s, e in spans:
                bounds += (s, e)
                cums += (cum, cum + e - s)
                cum += e - s
        self._cache["flat"] = (table["starts"][0], table["starts"][-1], bounds, cums)

    def _offset_us(self, moment_us: int) -> int:
        flat = self._cache.get("flat")
        if flat is None or not flat[0] <= moment_us < flat[1] or not flat[2]:
            table = self._cache.get("table") or self._table(moment_us)
            self._cover(table, moment_us)
            flat = self._cache["flat"]
            if not flat[2]:  # no working time anywhere in the table yet
                return table["cum"][0]  # type: ignore[no-any-return]
        bounds, cums = flat[2], flat[3]
        j = _bisect_right(bounds, moment_us)
        if j & 1:  # inside a period: the working time before its start, plus the part of it gone
            return cums[j - 1] + moment_us - bounds[j - 1]  # type: ignore[no-any-return]
        return cums[j - 1] if j else cums[0]  # type: ignore[no-any-return]

    def offset(self, moment: datetime) -> timedelta:
        """Working time from the calendar's epoch to `moment` (exact, microseconds included)."""
        if self.always:
            return moment - EPOCH_UTC
        return timedelta(microseconds=self._offset_us(_us(moment)))

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from `a` to `b`; zero when `b` is not after `a`."""
        if b <= a:
            return timedelta(0)
        if self.always:
            # Aware datetimes sharing a tzinfo subtract as wall clocks; in UTC they subtract as time.
            return b.astimezone(UTC) - a.astimezone(UTC)
        return timedelta(microseconds=self._offset_us(_us(b)) - self._offset_us(_us(a)))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start`.

        A result that falls exactly on the end of a period is that end (12:30, 17:00): the
        deadline is met by anything done before the break begins.
        """
        if duration < timedelta(0):
            raise ValueError("working time to add must not be negative")
        start = start.astimezone(UTC)  # in UTC, so adding is in real time across DST switches
        if self.always or duration == timedelta(0):
            return start + duration
        return self.moment_at(self._offset_us(_us(start)) + duration // _ONE_US)

    # The same line for callers that do many sums (the SLA clocks): offsets in, moments out.

    def offset_us(self, moment: datetime) -> int:
        moment_us = (moment - EPOCH_UTC) // _ONE_US
        if self.always:
            return moment_us  # type: ignore[no-any-return]
        flat = self._cache.get("flat")
        if flat is None or not flat[0] <= moment_us < flat[1] or not flat[2]:
            return self._offset_us(moment_us)
        # _offset_us inlined: a sweep over 100k incidents asks this 400k times.
        bounds = flat[2]
        j = _bisect_right(bounds, moment_us)
        if j & 1:
            return flat[3][j - 1] + moment_us - bounds[j - 1]  # type: ignore[no-any-return]
        return flat[3][j - 1] if j else flat[3][0]  # type: ignore[no-any-return]

    def moment_at(self, offset_us: int) -> datetime:
        """The earliest moment whose working-time offset is `offset_us`."""
        if self.always:
            return EPOCH_UTC + timedelta(microseconds=offset_us)
        flat = self._cache.get("flat")
        if flat is None or not flat[3] or not flat[3][0] < offset_us <= flat[3][-1]:
            flat = self._reach(offset_us)
        cums = flat[3]
        # The first period end at or beyond the target: cums alternate start, end, and an end's
        # working time equals the next start's, so bisect_left always lands on an end; a target
        # exactly at the end of a period is that end (12:30, 17:00), not the next start.
        j = _bisect_left(cums, offset_us)
        return EPOCH_UTC + _ONE_US * (flat[2][j] - cums[j] + offset_us)

    def _reach(self, offset_us: int) -> tuple[int, int, list[int], list[int]]:
        """Grow the table until it holds the moment whose working-time offset is `offset_us`."""
        table = self._cache.get("table") or self._table()
        cum = table["cum"]
        while cum[-1] < offset_us:
            self._append(table)
            if len(cum) > MAX_SEARCH_DAYS * 2:
                raise ValueError(f"calendar «{self.name}» has no working time that far")
        while cum[0] >= offset_us:
            self._prepend(table)
        self._flatten(table)
        return self._cache["flat"]  # type: ignore[no-any-return]

    def is_working(self, moment: datetime) -> bool:
        if self.always:
            return True
        day = self.local_date(moment)
        return any(self._at(day, s) <= moment < self._at(day, e) for s, e in self.periods(day))

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
