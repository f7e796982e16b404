"""Clients' subscriptions (R41): the monthly hours from a month on, with their history, and a
month's use of them, for one client (a ticket's header) or for all (the clients view, reports)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from helpdesk_tui.desk import settings
from helpdesk_tui.desk.admin import require_admin
from helpdesk_tui.desk.common import desk_staff, feed, journal
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.timekeeping import month_start, months_back, next_month, warning_share
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Organisation, Person
from helpdesk_tui.store.time_tables import Subscription, TimeEntry

MAX_SUBSCRIPTION_HOURS = 10_000


@dataclass(frozen=True)
class Use:
    """A client's month: hours included, used (counted against them), and logged outside."""

    organisation_id: int
    name: str
    month: date
    included_minutes: int
    used_minutes: int
    outside_minutes: int = 0

    @property
    def left_minutes(self) -> int:
        return self.included_minutes - self.used_minutes

    @property
    def share(self) -> float | None:
        return self.used_minutes / self.included_minutes if self.included_minutes else None

    @property
    def warning(self) -> float | None:
        return warning_share(self.used_minutes, self.included_minutes)


def set_subscription(session: Session, actor: Person | None, organisation: Organisation, *, hours: float,
                     from_month: date) -> Subscription:
    """The client's monthly hours from `from_month` on (until a later change); earlier months
    keep theirs, so a statement reissued for them says what it said."""
    actor = require_admin(session, actor)
    if not math.isfinite(hours) or not 0 <= hours <= MAX_SUBSCRIPTION_HOURS:
        raise RuleViolation(_("Subscription hours are from 0 to {max} a month").format(max=MAX_SUBSCRIPTION_HOURS),
                            field="hours")
    month = month_start(from_month)
    minutes = round(hours * 60)
    row = session.execute(select(Subscription).where(Subscription.organisation_id == organisation.id,
                                                     Subscription.from_month == month)).scalar_one_or_none()
    before = included_minutes(session, organisation.id, month)  # type: ignore[arg-type]
    if row is None:
        row = Subscription(organisation_id=organisation.id, from_month=month, minutes=minutes,  # type: ignore[arg-type]
                           created_by_id=actor.id if actor else None)
        session.add(row)
    else:
        row.minutes, row.created_by_id = minutes, actor.id if actor else None
    session.flush()
    organisation.subscription_minutes = included_minutes(session, organisation.id, settings.this_month())  # type: ignore[arg-type]
    session.add(organisation)
    journal(session, record_kind="organisation", record_id=organisation.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Subscription from {month}: {hours} h a month"), month=month.strftime("%Y-%m"),
                            hours=f"{minutes / 60:g}"),
            diff=[("subscription_minutes", str(before), str(minutes))])
    feed(session, "organisation", organisation.id, "updated", actor)  # type: ignore[arg-type]
    return row


def history(session: Session, organisation_id: int) -> list[Subscription]:
    return list(session.execute(select(Subscription).where(Subscription.organisation_id == organisation_id)
                                .order_by(Subscription.from_month)).scalars())


def included_minutes(session: Session, organisation_id: int, month: date) -> int:
    minutes = session.execute(
        select(Subscription.minutes).where(Subscription.organisation_id == organisation_id,
                                           Subscription.from_month <= month_start(month))
        .order_by(Subscription.from_month.desc()).limit(1)  # type: ignore[attr-defined]
    ).scalar_one_or_none()
    return minutes or 0


def _used(session: Session, month: date, organisation_id: int | None = None) -> dict[int, tuple[int, int]]:
    """{client: (counted, outside)} of the month, from the (client, date) index."""
    counted = TimeEntry.billable & ~TimeEntry.change_request  # type: ignore[operator]
    stmt = (select(TimeEntry.organisation_id, func.sum(TimeEntry.minutes).filter(counted),
                   func.sum(TimeEntry.minutes).filter(~counted))
            .where(TimeEntry.work_date >= month_start(month), TimeEntry.work_date < next_month(month))
            .group_by(TimeEntry.organisation_id))
    if organisation_id is not None:
        stmt = stmt.where(TimeEntry.organisation_id == organisation_id)
    else:
        stmt = stmt.where(TimeEntry.organisation_id.is_not(None))  # type: ignore[union-attr]
    return {org: (used or 0, outside or 0) for org, used, outside in session.execute(stmt)}


def month_use(session: Session, organisation_id: int, month: date) -> Use:
    org = session.get(Organisation, organisation_id)
    used, outside = _used(session, month, organisation_id).get(organisation_id, (0, 0))
    return Use(organisation_id, org.name if org else "", month_start(month),
               included_minutes(session, organisation_id, month), used, outside)


def clients_use(session: Session, actor: Person | None, month: date) -> list[Use]:
    """Every active client's month, busiest first: three queries whatever the number of clients."""
    desk_staff(session, actor)
    month = month_start(month)
    orgs = session.execute(select(Organisation.id, Organisation.name).where(Organisation.active.is_(True))).all()  # type: ignore[attr-defined]
    plans = _plans(session, month)
    used = _used(session, month)
    uses = [Use(oid, name, month, plans.get(oid, 0), *used.get(oid, (0, 0))) for oid, name in orgs]
    return sorted(uses, key=lambda u: (-u.used_minutes, u.name.casefold()))


def _plans(session: Session, month: date) -> dict[int, int]:
    """{client: minutes} in force in `month`: the latest change not after it."""
    plans: dict[int, int] = {}
    rows = session.execute(select(Subscription.organisation_id, Subscription.minutes)
                           .where(Subscription.from_month <= month).order_by(Subscription.from_month))
    for org, minutes in rows:
        plans[org] = minutes
    return plans


def trend(session: Session, actor: Person | None, month: date, *, organisation_id: int | None = None,
          months: int = 12) -> list[tuple[date, int, int]]:
    """(month, included, used) for the `months` months ending with `month`: one client's, or
    every client's together."""
    desk_staff(session, actor)
    span = months_back(month, months)
    counted = TimeEntry.billable & ~TimeEntry.change_request  # type: ignore[operator]
    # By day, in the index's order (no sort, no date function on every row), folded into months here.
    stmt = (select(TimeEntry.work_date, func.sum(TimeEntry.minutes))
            .where(counted, TimeEntry.work_date >= span[0], TimeEntry.work_date < next_month(span[-1]))
            .group_by(TimeEntry.work_date))
    stmt = stmt.where(TimeEntry.organisation_id == organisation_id) if organisation_id is not None else \
        stmt.where(TimeEntry.organisation_id.is_not(None))  # type: ignore[union-attr]
    used: dict[tuple[int, int], int] = {}
    for day, total in session.execute(stmt):
        key = (day.year, day.month)
        used[key] = used.get(key, 0) + int(total or 0)
    result = []
    for first in span:
        if organisation_id is not None:
            included = included_minutes(session, organisation_id, first)
        else:
            active = {oid for (oid,) in session.execute(select(Organisation.id).where(Organisation.active.is_(True)))}  # type: ignore[attr-defined]
            included = sum(m for org, m in _plans(session, first).items() if org in active)
        result.append((first, included, used.get((first.year, first.month), 0)))
    return result
