"""Time against the subscription (R41): durations as analysts type them, months in the
deployment's zone, the timer's rounding, the subscription's warnings and the half-hour rule of
small configuration changes (R36)."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import NC_, N_, _, pgettext

MAX_ENTRY_MINUTES = 24 * 60  # one entry is at most a day's work
# «Внесення дрібних змін в конфігурацію з трудозатратами не більше 0,5 год» (the seed, R36).
SMALL_CHANGE_LIMIT_MINUTES = 30
WARN_SHARES = (0.8, 1.0)  # the subscription's warnings: 80 % used, all used

_HOURS = ("h", "hr", "hrs", "hour", "hours", "г", "год", "годин", "години", "година", "годину")
_MINUTES = ("m", "min", "mins", "minute", "minutes", "хв", "хвилин", "хвилини", "хвилина", "хвилину")
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\d\s.,:]+)\.?")


def parse_duration(text: str) -> int:
    """Minutes from what an analyst types: «1г 30хв», «1 год 30 хв», «1h30m», «1:30», «90»,
    «1,5 год», «45хв». Refuses nothing-at-all, zero and more than a day, with one message."""
    raw = " ".join((text or "").strip().casefold().split())
    minutes = _read(raw)
    if minutes is None:
        raise RuleViolation(
            _("«{text}» is not a duration: write e.g. 1г 30хв, 1:30 or 90 (minutes)").format(text=text.strip()),
            field="minutes")
    if minutes <= 0:
        raise RuleViolation(_("Time spent must be more than zero"), field="minutes")
    if minutes > MAX_ENTRY_MINUTES:
        raise RuleViolation(_("One entry is at most 24 hours; log longer work day by day"), field="minutes")
    return minutes


def _read(raw: str) -> int | None:
    if not raw:
        return None
    if re.fullmatch(r"\d+", raw):
        return int(raw)
    clock = re.fullmatch(r"(\d+):([0-5]\d)", raw)
    if clock:
        return int(clock[1]) * 60 + int(clock[2])
    total, pos, seen = 0.0, 0, set()
    for match in _PART.finditer(raw):
        if raw[pos:match.start()].strip():
            return None
        number, unit = float(match[1].replace(",", ".")), match[2]
        kind = "h" if unit in _HOURS else "m" if unit in _MINUTES else None
        if kind is None or kind in seen or (kind == "m" and "h" not in seen and seen):
            return None
        seen.add(kind)
        total += number * 60 if kind == "h" else number
        pos = match.end()
    if not seen or raw[pos:].strip():
        return None
    return round(total)


def format_duration(minutes: int) -> str:
    """«1 год 30 хв» in the interface's language; «0 хв» for nothing."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return sign + _("{hours} h {minutes} min").format(hours=hours, minutes=rest)
    if hours:
        return sign + _("{hours} h").format(hours=hours)
    return sign + _("{minutes} min").format(minutes=rest)


def format_hours(minutes: int, decimal: str | None = None) -> str:
    """Hours with two decimals and the language's separator («12,50» in Ukrainian)."""
    sep = decimal if decimal is not None else pgettext("decimal separator", ".")
    return f"{minutes / 60:.2f}".replace(".", sep)


def timer_minutes(started: datetime, stopped: datetime, step: int = 1) -> int:
    """What a stopped timer logs: whole minutes rounded up to `step` (a started minute counts,
    as a clock on the wall would bill it); under half a minute is a slip of the key, nothing."""
    seconds = (stopped - started).total_seconds()
    if seconds < 30:
        return 0
    minutes = math.ceil(seconds / 60)
    step = max(1, step)
    return min(MAX_ENTRY_MINUTES, math.ceil(minutes / step) * step)


# --- months in the deployment's zone -----------------------------------------------------------

# «May» is also a verb to a translator: the context says it is a month.
MONTHS = (
    NC_("month", "January"), NC_("month", "February"), NC_("month", "March"), NC_("month", "April"),
    NC_("month", "May"), NC_("month", "June"), NC_("month", "July"), NC_("month", "August"),
    NC_("month", "September"), NC_("month", "October"), NC_("month", "November"),
    NC_("month", "December"),
)


def month_words(month: date) -> str:
    """«листопад 2026», "November 2026": the month as the act and the reports name it."""
    name = pgettext("month", MONTHS[month.month - 1])
    return f"{name} {month.year}"



def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def months_back(month: date, count: int) -> list[date]:
    """`count` months ending with `month`, oldest first (the reports' twelve-month trend)."""
    months = [month_start(month)]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return months[::-1]


def local_date(moment: datetime, zone: str) -> date:
    """The deployment's calendar date of a moment: work done at 23:30 in Kyiv on the 31st is
    that month's work, though it is the 1st in UTC... or the other way round at 01:00."""
    return moment.astimezone(ZoneInfo(zone)).date()


def month_of(moment: datetime, zone: str) -> date:
    return month_start(local_date(moment, zone))


def month_bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    """The month's first and the next month's first midnight in the zone, in UTC."""
    tz = ZoneInfo(zone)
    start = datetime.combine(month_start(month), datetime.min.time(), tz)
    end = datetime.combine(next_month(month), datetime.min.time(), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_month(text: str) -> date:
    """A month from «2026-11» or «11.2026»."""
    raw = (text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", raw) or re.fullmatch(r"(\d{1,2})\.(\d{4})", raw)
    if match:
        year, month = (int(match[1]), int(match[2])) if "-" in raw else (int(match[2]), int(match[1]))
        if 1 <= month <= 12 and 1900 < year < 3000:
            return date(year, month, 1)
    raise RuleViolation(_("«{text}» is not a month: write e.g. 2026-11").format(text=raw), field="month")


# --- the subscription --------------------------------------------------------------------------

SUBSCRIPTION_LEVELS = {0.8: N_("80 % of the month's hours used"), 1.0: N_("All of the month's hours used")}


def warning_share(used: int, included: int) -> float | None:
    """The highest warning passed (0.8 or 1.0), or None; a client without a subscription has
    used it all with the first minute."""
    if used <= 0:
        return None
    if included <= 0:
        return 1.0
    passed = [share for share in WARN_SHARES if used >= share * included]
    return passed[-1] if passed else None


def offers_change_request(kind: str, small_change: bool, minutes: int) -> bool:
    """An incident in a «small configuration change» category past half an hour of work is,
    by the seed's rules, a change request: the desk is asked (never forced) to reclassify."""
    return kind == "incident" and small_change and minutes > SMALL_CHANGE_LIMIT_MINUTES
