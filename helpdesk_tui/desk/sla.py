"""SLA in the desk: rules from the database, clocks for an incident, stored due times (rule 6),
and the administration of policies and calendars (`helpdesk sla ...`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk.admin import require_admin
from helpdesk_tui.desk.common import feed, insert_ignore, journal
from helpdesk_tui.domain.calendar import BusinessCalendar, check_periods
from helpdesk_tui.domain.errors import NotFound, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.sla import (
    DEFAULT_PAUSE,
    MINUTE,
    SlaRules,
    SlaState,
    StatusChange,
    Targets,
    sla_state,
)
from helpdesk_tui.domain.statuses import Criticality, IncidentStatus
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import (
    BusinessCalendarRow,
    CalendarDay,
    DeskSetting,
    Incident,
    JournalEntry,
    Person,
    SlaPolicy,
)
from helpdesk_tui.store.types import utcnow

_RULES_KEY = "sla_rules"
# The two clocks in the journal and in notifications, of incidents and service requests alike.
CLOCK_NAMES = {"response": N_("response"), "resolution": N_("resolution")}
_PROCESS_RULES: dict[str, tuple[Any, SlaRules]] = {}


def setting(session: Session, key: str, default: Any) -> Any:
    row = session.get(DeskSetting, key)
    return default if row is None or row.value is None else row.value


def _calendar(row: BusinessCalendarRow, days: Iterable[CalendarDay]) -> BusinessCalendar:
    week = {int(k): tuple(tuple(p) for p in v) for k, v in (row.week or {}).items()}
    holidays = frozenset(d.day for d in days if not d.working)
    extra = {d.day: tuple(tuple(p) for p in (d.periods or [])) for d in days if d.working}
    return BusinessCalendar(name=row.name, timezone=row.timezone, week=week, holidays=holidays,
                            extra_working_days=extra, always=row.always)


def load_rules(session: Session) -> SlaRules:
    """The SLA rules as stored; read once per transaction."""
    cached = session.info.get(_RULES_KEY)
    if cached is not None:
        return cached
    rows = list(session.execute(select(BusinessCalendarRow)).scalars())
    days = list(session.execute(select(CalendarDay)).scalars())
    policies = list(session.execute(select(SlaPolicy)).scalars())
    pause = setting(session, "sla.pause_statuses", sorted(DEFAULT_PAUSE))
    share = float(setting(session, "sla.warn_share", 0.75))
    # The same rules as last time keep their calendars, whose day tables are already built.
    fingerprint = (
        tuple((r.id, r.name, r.timezone, str(r.week), r.always) for r in rows),
        tuple((d.calendar_id, d.day, d.working, str(d.periods)) for d in days),
        tuple((p.profile, p.key, p.response_minutes, p.resolution_minutes, p.calendar_id) for p in policies),
        tuple(pause), share,
    )
    known = _PROCESS_RULES.get("rules")
    if known is not None and known[0] == fingerprint:
        session.info[_RULES_KEY] = known[1]
        return known[1]
    calendars = {r.name: _calendar(r, [d for d in days if d.calendar_id == r.id]) for r in rows}
    names = {r.id: r.name for r in rows}
    by_priority: dict[int, Targets] = {}
    by_criticality: dict[str, Targets] = {}
    for p in policies:
        targets = Targets(p.response_minutes * MINUTE, p.resolution_minutes * MINUTE, names.get(p.calendar_id, "standard"))
        if p.profile == "priority":
            by_priority[int(p.key)] = targets
        else:
            by_criticality[p.key] = targets
    if not calendars or 3 not in by_priority:
        raise RuleViolation(_("The SLA policies are missing; run `helpdesk init`"))
    rules = SlaRules(by_priority, by_criticality, calendars, frozenset(pause), share)
    session.info[_RULES_KEY] = rules
    _PROCESS_RULES["rules"] = (fingerprint, rules)
    return rules


def forget_rules(session: Session) -> None:
    session.info.pop(_RULES_KEY, None)


def history(session: Session, incident_ids: list[int]) -> dict[int, list[StatusChange]]:
    """Each incident's status changes, from the journal."""
    out: dict[int, list[StatusChange]] = {i: [] for i in incident_ids}
    for chunk_start in range(0, len(incident_ids), 500):
        chunk = incident_ids[chunk_start:chunk_start + 500]
        rows = session.execute(
            select(JournalEntry.record_id, JournalEntry.created_at, JournalEntry.status_to)
            .where(JournalEntry.record_kind == "incident", JournalEntry.record_id.in_(chunk),
                   JournalEntry.kind == "status", JournalEntry.status_to.is_not(None))
            .order_by(JournalEntry.record_id, JournalEntry.id)
        )
        for rid, at, status in rows:
            out[rid].append(StatusChange(at, status))
    return out


def state_of(session: Session, incident: Incident, now: datetime | None = None,
             changes: list[StatusChange] | None = None) -> SlaState:
    rules = load_rules(session)
    if changes is None:
        changes = history(session, [incident.id])[incident.id]  # type: ignore[list-item, index]
    if not changes:  # imported rows carry no journal: their current status since creation
        changes = [StatusChange(incident.created_at, incident.status)]
    return sla_state(rules, priority=incident.priority, criticality=incident.criticality, created=incident.created_at,
                     responded=incident.responded_at, history=changes, now=now or utcnow())


def _store(incident: Incident, state: SlaState) -> None:
    incident.response_due = state.response.due if state.response.met is not True else None
    incident.response_warn_at = state.response.warn_at
    incident.resolution_due = state.resolution.due if state.resolution.running or state.resolution.breached else None
    incident.resolution_warn_at = state.resolution.warn_at if state.resolution.running else None


def refresh_due(session: Session, incident: Incident, changes: list[StatusChange] | None = None) -> SlaState:
    """Store the due and warning times the "breaching soon" queries and the ticker read.
    `changes`: the status history when the caller knows it (a registration's is one entry)."""
    if changes is None:
        session.flush()
    state = state_of(session, incident, changes=changes)
    _store(incident, state)
    return state


# --- administration ------------------------------------------------------------------------


def find_calendar(session: Session, name: str, *, lock: bool = False) -> BusinessCalendarRow:
    stmt = select(BusinessCalendarRow).where(BusinessCalendarRow.name == name)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        names = ", ".join(session.execute(select(BusinessCalendarRow.name)).scalars())
        raise NotFound(_("No calendar «{name}»; one of: {names}").format(name=name, names=names))
    return row


MAX_TARGET_MINUTES = 365 * 24 * 60
MAX_HORIZON = timedelta(days=366)
MIN_YEAR, MAX_YEAR = 1990, 2100


def set_policy(session: Session, actor: Person | None, *, profile: str, key: str, response_minutes: int,
               resolution_minutes: int, calendar: str | None = None) -> SlaPolicy:
    require_admin(session, actor)
    if profile == "priority" and key not in {"1", "2", "3", "4", "5"}:
        raise RuleViolation(_("Priority must be from 1 to 5, not {value}").format(value=key), field="key")
    if profile == "criticality" and key not in {c.value for c in Criticality}:
        raise RuleViolation(_("Unknown criticality «{value}»").format(value=key), field="key")
    if profile not in ("priority", "criticality"):
        raise RuleViolation(_("A policy is for a priority or a criticality"), field="profile")
    if not (0 < response_minutes <= MAX_TARGET_MINUTES and 0 < resolution_minutes <= MAX_TARGET_MINUTES):
        raise RuleViolation(_("Targets are working minutes from 1 to {max}").format(max=MAX_TARGET_MINUTES),
                            field="response")
    if response_minutes > resolution_minutes:
        raise RuleViolation(_("The response target ({response} min) cannot be later than the resolution target "
                              "({resolution} min)").format(response=response_minutes, resolution=resolution_minutes),
                            field="response")
    # Read under its lock: the version and the old values journaled are those this change replaces.
    policy = session.execute(select(SlaPolicy).where(SlaPolicy.profile == profile, SlaPolicy.key == key)
                             .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    cal_id = find_calendar(session, calendar).id if calendar else (policy.calendar_id if policy else find_calendar(session, "standard").id)
    old = (policy.response_minutes, policy.resolution_minutes, policy.calendar_id) if policy else (None, None, None)
    if policy is None:
        policy = SlaPolicy(profile=profile, key=key, response_minutes=response_minutes,
                           resolution_minutes=resolution_minutes, calendar_id=cal_id)  # type: ignore[arg-type]
        session.add(policy)
    else:
        policy.response_minutes, policy.resolution_minutes, policy.calendar_id = response_minutes, resolution_minutes, cal_id  # type: ignore[assignment]
        policy.version += 1
    session.flush()
    journal(session, record_kind="sla_policy", record_id=policy.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("SLA policy changed")), diff=[
                ("response_minutes", str(old[0]) if old[0] else None, str(response_minutes)),
                ("resolution_minutes", str(old[1]) if old[1] else None, str(resolution_minutes)),
            ], record_version=policy.version)
    feed(session, "sla_policy", policy.id, "updated", actor)  # type: ignore[arg-type]
    forget_rules(session)
    return policy


def set_calendar_day(session: Session, actor: Person | None, calendar: str, day: date, *, working: bool | None,
                     periods: list[list[int]] | None = None, note: str = "") -> None:
    """A holiday (working=False), an extra working day (working=True), or back to normal (None)."""
    require_admin(session, actor)
    row = find_calendar(session, calendar, lock=True)  # the calendar's days change one change at a time
    existing = session.get(CalendarDay, (row.id, day), populate_existing=True)
    if working is None:
        if existing is not None:
            session.delete(existing)
    else:
        if working:
            periods = periods or [list(p) for p in _calendar(row, []).week.get(0, ((480, 750), (810, 1020)))]
            check_periods(tuple(tuple(p) for p in periods))  # type: ignore[arg-type]
        if existing is None:
            session.add(CalendarDay(calendar_id=row.id, day=day, working=working,  # type: ignore[arg-type]
                                    periods=periods if working else None, note=note))
        else:
            existing.working, existing.periods, existing.note = working, periods if working else None, note
    row.version += 1
    feed(session, "business_calendar", row.id, "updated", actor)  # type: ignore[arg-type]
    forget_rules(session)


def load_public_holidays(session: Session, actor: Person | None, calendar: str, year: int,
                         country: str = "UA") -> list[tuple[date, str]]:
    """Ukrainian public holidays from the `holidays` package (it knows that under martial law
    they are working days: 2026 has none)."""
    import holidays as holiday_data

    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleViolation(_("A year from {low} to {high}, not {year}").format(low=MIN_YEAR, high=MAX_YEAR, year=year),
                            field="year")
    code = country.strip().upper()
    known = holiday_data.list_supported_countries()
    if code not in known:
        raise RuleViolation(_("No public holidays are known for «{country}»; a country code such as UA, PL or DE")
                            .format(country=country), field="country")
    days = sorted(holiday_data.country_holidays(code, years=year).items())
    for day, name in days:
        set_calendar_day(session, actor, calendar, day, working=False, note=str(name))
    return [(d, str(n)) for d, n in days]


def recompute_open(session: Session, *, batch: int = 500) -> int:
    """Refresh the stored due times of every open incident (after a policy or calendar change)."""
    forget_rules(session)
    count, last = 0, 0
    while True:
        # Locked: a status change meanwhile would otherwise be overwritten with due times
        # computed from the history before it.
        rows = list(session.execute(
            select(Incident).where(Incident.status.not_in([IncidentStatus.CLOSED.value, IncidentStatus.CANCELLED.value]),
                                   Incident.id > last).order_by(Incident.id).limit(batch)
            .with_for_update().execution_options(populate_existing=True)).scalars())
        if not rows:
            return count
        changes = history(session, [r.id for r in rows])  # type: ignore[misc]
        for incident in rows:
            _store(incident, state_of(session, incident, changes=changes[incident.id]))  # type: ignore[index]
            count += 1
        last = rows[-1].id  # type: ignore[assignment]
        session.flush()


def within(hours: float) -> timedelta:
    if not 0 < hours <= MAX_HORIZON.total_seconds() / 3600:  # also refuses nan and inf
        raise RuleViolation(_("The horizon is from a minute to {days} days").format(days=MAX_HORIZON.days))
    return timedelta(hours=hours)


def summary(session: Session, incident: Incident, now: datetime | None = None) -> dict[str, Any]:
    """The clocks as plain data, for `incident show` and `--json`."""
    state = state_of(session, incident, now=now)

    def clock(c: Any) -> dict[str, Any]:
        return {
            "target_minutes": round(c.target.total_seconds() / 60),
            "due": c.due,
            "elapsed_minutes": round(c.elapsed.total_seconds() / 60, 1),
            "left_minutes": round(c.left.total_seconds() / 60, 1),
            "used_percent": round(c.used * 100, 1),
            "running": c.running,
            "met": c.met,
            "breached": c.breached,
            "stopped_at": c.stopped_at,
        }

    return {"calendar": state.targets.calendar, "response": clock(state.response), "resolution": clock(state.resolution)}


def set_settings(session: Session, actor: Person | None, *, pause_statuses: list[str] | None = None,
                 warn_percent: int | None = None, autoclose_days: int | None = None,
                 autoclose_working_days: bool | None = None) -> dict[str, Any]:
    """Which statuses pause the clock, when to warn, when resolved incidents close themselves."""
    require_admin(session, actor)
    changes: dict[str, Any] = {}
    if pause_statuses is not None:
        known = {s.value for s in IncidentStatus} - {IncidentStatus.CLOSED.value, IncidentStatus.CANCELLED.value}
        unknown = [s for s in pause_statuses if s not in known]
        if unknown:
            raise RuleViolation(_("These statuses cannot pause the clock: {names}").format(names=", ".join(unknown)))
        changes["sla.pause_statuses"] = sorted(set(pause_statuses))
    if warn_percent is not None:
        if not 1 <= warn_percent <= 99:
            raise RuleViolation(_("The warning share is a percentage from 1 to 99"), field="warn")
        changes["sla.warn_share"] = warn_percent / 100
    if autoclose_days is not None:
        if not 1 <= autoclose_days <= 365:
            raise RuleViolation(_("Auto-close takes 1 to 365 days"), field="autoclose_days")
        changes["autoclose.days"] = autoclose_days
    if autoclose_working_days is not None:
        changes["autoclose.working_days"] = autoclose_working_days
    for key, value in changes.items():
        store_setting(session, actor, key, value)
    forget_rules(session)
    return current_settings(session)


def store_setting(session: Session, actor: Person | None, key: str, value: Any) -> None:
    # The row exists (made if need be, once whoever comes first) and is read under its lock,
    # so the old value journaled is the one replaced.
    made = insert_ignore(session, DeskSetting, key=key, value=None)
    row = session.get(DeskSetting, key, with_for_update=True, populate_existing=True)
    old = None if made else row.value  # type: ignore[union-attr]
    row.value = value  # type: ignore[union-attr]
    journal(session, record_kind="desk_setting", record_id=0, kind="change", author=actor,
            summary=Message(N_("Setting changed")), diff=[(key, None if old is None else str(old), str(value))])


def autoclose_deadline(session: Session) -> tuple[int, Callable[[datetime], datetime]]:
    """Auto-close's N days, and when something done at a moment closes: N calendar days later,
    or N working days on the standard calendar (`sla settings`); incidents and requests alike."""
    days = int(setting(session, "autoclose.days", 5))
    if not bool(setting(session, "autoclose.working_days", False)):
        return days, lambda done: done + timedelta(days=days)
    rules = load_rules(session)
    calendar = rules.calendars.get("standard") or next(iter(rules.calendars.values()))
    return days, lambda done: calendar.working_days_after(done, days)


def current_settings(session: Session) -> dict[str, Any]:
    return {
        "pause_statuses": setting(session, "sla.pause_statuses", sorted(DEFAULT_PAUSE)),
        "warn_percent": round(float(setting(session, "sla.warn_share", 0.75)) * 100),
        "autoclose_days": int(setting(session, "autoclose.days", 5)),
        "autoclose_working_days": bool(setting(session, "autoclose.working_days", False)),
    }
