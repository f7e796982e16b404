"""SLA clocks computed from the status history (rule 6, R6, R22, R33, R34).

Compute-on-read: give the history and the targets, get the clocks; a changed calendar or policy
is replayed over the same history. The response clock starts at registration and stops at the
first thing the caller sees. The resolution clock runs in working time, pauses in the pause
statuses (by default «Потрібна інформація», «Передано третій стороні», «Вирішено»), resumes on
reopening and stops for good at «Закрито» or «Скасовано».
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from helpdesk_tui.domain.calendar import BusinessCalendar
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.statuses import Criticality, IncidentStatus
from helpdesk_tui.i18n import N_, _

MINUTE = timedelta(minutes=1)
_US = timedelta(microseconds=1)  # `_US * n` builds a timedelta at a third of `timedelta(microseconds=n)`'s cost
DEFAULT_PAUSE = frozenset({IncidentStatus.INFO_NEEDED.value, IncidentStatus.THIRD_PARTY.value,
                           IncidentStatus.RESOLVED.value})
STOPPED = frozenset({IncidentStatus.CLOSED.value, IncidentStatus.CANCELLED.value})
_RESOLVED = IncidentStatus.RESOLVED.value
_HALTED: dict[frozenset[str], frozenset[str]] = {}  # pause statuses -> those plus the stopped ones
WORKING_DAY = 8 * 60  # minutes in the default calendar's day

# Working minutes (response, resolution). ITIL priorities: P1 1 h / 4 h … P5 3 days / 10 days.
DEFAULT_PRIORITY_TARGETS: dict[int, tuple[int, int]] = {
    1: (60, 4 * 60),
    2: (2 * 60, WORKING_DAY),
    3: (4 * 60, 3 * WORKING_DAY),
    4: (WORKING_DAY, 5 * WORKING_DAY),
    5: (3 * WORKING_DAY, 10 * WORKING_DAY),
}
# R34: urgent within 1 working hour; the rest within 24 hours, read as one working day (the
# desk does not work at night: a ticket from Friday 16:00 is answered by Monday 16:00).
DEFAULT_CRITICALITY_TARGETS: dict[str, tuple[int, int]] = {
    Criticality.URGENT.value: (60, WORKING_DAY),
    Criticality.HIGH.value: (WORKING_DAY, 3 * WORKING_DAY),
    Criticality.MEDIUM.value: (WORKING_DAY, 5 * WORKING_DAY),
    Criticality.LOW.value: (WORKING_DAY, 10 * WORKING_DAY),
}
UNCLASSIFIED_PRIORITY = 3  # until an incident is classified, it is measured as moderate

URGENT_REASONS: dict[str, str] = {
    # R35: the three reasons an urgent request must name.
    "operational_work_blocked": N_("A user cannot do urgent operational work (a till receipt, a retail shipment, a report due now)"),
    "most_users_affected": N_("Most users cannot work"),
    "management_affected": N_("The company's management cannot work"),
}


def urgent_reason_missing() -> str:
    """What a form says under the reason's field when «Термінова» is chosen without one (the TUI's
    new-incident form and the portal's say the same)."""
    return _("Choose the reason for urgency: an urgent incident names one of the three reasons")


def check_urgent_reason(criticality: str | None, reason: str | None) -> None:
    """R35: an urgent ticket names one of the three reasons; other tickets need none."""
    if criticality == Criticality.URGENT.value:
        if reason not in URGENT_REASONS:
            raise RuleViolation(
                _("An urgent request must name its reason: {reasons}").format(
                    reasons="; ".join(code + " (" + _(label) + ")" for code, label in URGENT_REASONS.items())),
                field="urgent_reason",
            )
    elif criticality is not None and criticality not in {c.value for c in Criticality}:
        raise RuleViolation(_("Unknown criticality «{value}»").format(value=criticality), field="criticality")
    elif reason:
        raise RuleViolation(_("A reason is named only for an urgent request (criticality «urgent»)"),
                            field="urgent_reason")


@dataclass(frozen=True)
class Targets:
    response: timedelta
    resolution: timedelta
    calendar: str = "standard"
    # The same in integer microseconds, which is what the clocks add and compare.
    response_us: int = field(init=False, repr=False, compare=False)
    resolution_us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "response_us", self.response // _US)
        object.__setattr__(self, "resolution_us", self.resolution // _US)


@dataclass(frozen=True)
class SlaRules:
    """Everything the clocks need besides the history: targets, calendars, pauses, warnings."""

    by_priority: Mapping[int, Targets]
    by_criticality: Mapping[str, Targets]
    calendars: Mapping[str, BusinessCalendar]
    pause_statuses: frozenset[str] = DEFAULT_PAUSE
    warn_share: float = 0.75
    # (priority, criticality) -> (targets, calendar): a sweep asks for the same dozen 100k times.
    _chosen: dict[tuple[int | None, str | None], tuple[Targets, BusinessCalendar]] = field(
        default_factory=dict, compare=False, repr=False, hash=False)

    def choose(self, priority: int | None, criticality: str | None) -> tuple[Targets, BusinessCalendar]:
        key = (priority, criticality)
        found = self._chosen.get(key)
        if found is None:
            targets = self.targets(priority, criticality)
            found = self._chosen[key] = (targets, self.calendar(targets))
        return found

    def targets(self, priority: int | None, criticality: str | None) -> Targets:
        if criticality and criticality in self.by_criticality:
            return self.by_criticality[criticality]
        return self.by_priority.get(priority if priority is not None else UNCLASSIFIED_PRIORITY) \
            or self.by_priority[UNCLASSIFIED_PRIORITY]

    def calendar(self, targets: Targets) -> BusinessCalendar:
        return self.calendars.get(targets.calendar) or next(iter(self.calendars.values()))


def default_rules(calendars: Mapping[str, BusinessCalendar]) -> SlaRules:
    def t(pair: tuple[int, int]) -> Targets:
        return Targets(pair[0] * MINUTE, pair[1] * MINUTE, "standard")

    return SlaRules({k: t(v) for k, v in DEFAULT_PRIORITY_TARGETS.items()},
                    {k: t(v) for k, v in DEFAULT_CRITICALITY_TARGETS.items()}, calendars)


@dataclass(slots=True)
class StatusChange:
    at: datetime
    status: str


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~3x, and 100k are made per sweep
class Clock:
    target: timedelta
    elapsed_us: int  # working time used, in microseconds (`elapsed` is the same as a timedelta)
    due: datetime | None  # when it breaches (or breached); None while paused or once stopped in time
    warn_at: datetime | None  # when it crosses the warning share, while it can still
    running: bool
    met: bool | None  # True: stopped in time; False: breached; None: still open and in time
    stopped_at: datetime | None = None

    @property
    def elapsed(self) -> timedelta:
        # Made on demand: a sweep stores due times and never reads this (a timedelta per clock
        # was a tenth of the sweep).
        return _US * self.elapsed_us

    @property
    def left(self) -> timedelta:
        return self.target - self.elapsed

    @property
    def used(self) -> float:
        return self.elapsed / self.target if self.target else 1.0

    @property
    def breached(self) -> bool:
        return self.met is False


@dataclass(slots=True)
class SlaState:
    response: Clock
    resolution: Clock
    targets: Targets = field(repr=False)

    def warning(self, share: float) -> bool:
        return any(c.met is None and c.used >= share for c in (self.response, self.resolution))


def response_clock(cal: Any, start: int, responded: datetime | None, end_us: int, target: timedelta,
                   warn_share: float = 0.75, target_us: int | None = None) -> Clock:
    """`start`, `end_us`: working-time offsets of the registration and of the response (or now)."""
    if target_us is None:
        target_us = target // _US
    due_us = start + target_us
    elapsed = end_us - start if end_us > start else 0
    if responded is not None:
        met = end_us <= due_us
        return Clock(target, elapsed, None if met else cal.moment_at(due_us), None, False, met, responded)
    warn_at = cal.moment_at(start + int(target_us * warn_share))
    return Clock(target, elapsed, cal.moment_at(due_us), warn_at, True, False if end_us > due_us else None)


def resolution_clock(cal: Any, history: Sequence[StatusChange], target: timedelta, now_us: int,
                     pause: frozenset[str] = DEFAULT_PAUSE, warn_share: float = 0.75,
                     first_us: int | None = None, target_us: int | None = None) -> Clock:
    """Walk the status history on the calendar's working-time line: running stretches add
    their working time; the first moment the total reaches the target is the breach.
    `now_us`: now's offset; `first_us`: the first change's, when the caller has it."""
    if not history:
        raise ValueError("a resolution clock needs at least the registration in its history")
    if target_us is None:
        target_us = target // _US
    changes = history  # chronological, as the journal gives it
    offset_us = cal.offset_us
    halted = _HALTED.get(pause)
    if halted is None:
        halted = _HALTED[pause] = pause | STOPPED
    elapsed = 0
    breach_us: int | None = None
    first = changes[0]
    status, since, since_at = first.status, offset_us(first.at) if first_us is None else first_us, first.at
    for change in changes[1:]:
        point = offset_us(change.at)
        if status not in halted:
            if breach_us is None and elapsed + point - since > target_us:
                breach_us = since + target_us - elapsed
            elapsed += point - since
        status, since, since_at = change.status, point, change.at
    running = status not in halted
    before = elapsed
    if running:
        point = max(now_us, since)  # a change recorded after "now" (clocks apart) counts as now
        if breach_us is None and elapsed + point - since > target_us:
            breach_us = since + target_us - elapsed
        elapsed += point - since
    finished = status in STOPPED or status == _RESOLVED
    stopped_at = since_at if finished else None
    if breach_us is not None:
        return Clock(target, elapsed, cal.moment_at(breach_us), None, running, False, stopped_at)
    if finished:
        return Clock(target, elapsed, None, None, False, True, stopped_at)
    if not running:  # paused, waiting for the caller or a vendor
        return Clock(target, elapsed, None, None, False, None)
    due = cal.moment_at(since + target_us - before)
    # A share crossed in an earlier running stretch warns at once (if nobody was warned yet).
    warn = cal.moment_at(since + max(int(target_us * warn_share) - before, 0))
    return Clock(target, elapsed, due, warn, True, None)


_last_now: tuple[Any, Any, int] = (None, None, 0)


def sla_state(rules: SlaRules, *, priority: int | None, criticality: str | None, created: datetime,
              responded: datetime | None, history: Sequence[StatusChange], now: datetime) -> SlaState:
    targets, cal = rules.choose(priority, criticality)
    # Both clocks need the registration's and now's offsets: each is looked up once, and now,
    # the same moment for a whole sweep over the open incidents, once per sweep.
    created_us = cal.offset_us(created)
    global _last_now
    last = _last_now  # one tuple, read once: safe when the ticker's thread sweeps too
    if last[0] is now and last[1] is cal:
        now_us = last[2]
    else:
        now_us = cal.offset_us(now)
        _last_now = (now, cal, now_us)
    end_us = cal.offset_us(responded) if responded is not None else now_us
    first_us = created_us if history and history[0].at == created else None
    return SlaState(
        response_clock(cal, created_us, responded, end_us, targets.response, rules.warn_share, targets.response_us),
        resolution_clock(cal, history, targets.resolution, now_us, rules.pause_statuses, rules.warn_share, first_us,
                         targets.resolution_us),
        targets,
    )
