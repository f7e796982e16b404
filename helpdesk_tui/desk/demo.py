"""The demo database: Ukrainian groups, services, people and clients, and a few thousand incidents
in every status, made through the same operations analysts use, on a simulated clock."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from helpdesk_tui.desk import admin, change_requests, demo_problems, demo_requests, demo_time, incidents, knowledge, notes, settings, tasks
from helpdesk_tui.desk import demo_data as data
from helpdesk_tui.desk.sla import load_rules
from helpdesk_tui.domain.calendar import BusinessCalendar
from helpdesk_tui.domain.statuses import Channel, IncidentStatus, ReasonCode, Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import (
    Category,
    ConfigurationItem,
    DeskSetting,
    Incident,
    Organisation,
    Person,
    Service,
    Vendor,
    WorkGroup,
)
from helpdesk_tui.store.types import set_clock

DEMO_CALLER = "client"
DEMO_PASSWORD = "demo-password"
DEMO_DAYS = 365
BATCH = 100


class _Clock:
    """The demo's simulated time. It moves in the working time of the desk's calendar, so the
    history follows working hours in the deployment's zone, and never reaches `limit` (now): a
    step that would pass it takes half the working time left instead."""

    def __init__(self, calendar: BusinessCalendar, limit: datetime) -> None:
        self.calendar = calendar
        self.limit = calendar.offset_us(limit) - _SECOND_US  # a working moment before now, even at 17:00
        self.offset = 0
        self.now = limit

    def __call__(self) -> datetime:
        return self.now

    def at(self, offset: int) -> None:
        self.offset = min(offset, self.limit)
        moment = self.calendar.moment_at(self.offset)
        if not self.calendar.is_working(moment):  # exactly a period's end (12:30, 17:00): its next start
            moment = self.calendar.moment_at(self.offset + 1)
        self.now = moment

    def advance(self, rng: random.Random, low_minutes: int, high_minutes: int) -> None:
        target = self.offset + rng.randint(low_minutes, high_minutes) * _MINUTE_US
        if target >= self.limit:
            target = self.offset + (self.limit - self.offset) // 2
        self.at(target)


_SECOND_US = 1_000_000
_MINUTE_US = 60 * _SECOND_US
_DAY_US = 8 * 60 * _MINUTE_US  # a working day


def _login(first: str, last: str, taken: set[str]) -> str:
    base = f"{first[0]}.{last}".lower().translate(data.TRANSLIT)
    login, n = base, 1
    while login in taken:
        n += 1
        login = f"{base}{n}"
    taken.add(login)
    return login


def _portal_caller(session: Session, boss: Person) -> None:
    """The callers' portal's demo caller (issue 20): the caller with the most tickets signs in
    as «client» with the demo password (`helpdesk portal`)."""
    busiest = session.execute(select(Incident.caller_id).where(Incident.caller_id.is_not(None))  # type: ignore[union-attr]
                              .group_by(Incident.caller_id).order_by(func.count().desc(), Incident.caller_id)
                              .limit(1)).scalar_one()
    admin.update_person(session, boss, session.get(Person, busiest), login=DEMO_CALLER,
                        password_hash=admin.hash_password(DEMO_PASSWORD))


def _reference(session: Session, rng: random.Random) -> dict[str, list]:  # type: ignore[type-arg]
    demo_hash = admin.hash_password(DEMO_PASSWORD)  # hashing is slow on purpose: once is enough
    boss = admin.create_person(session, None, login="admin", full_name="Адміністратор Системи",
                               email="admin@helpdesk.example", roles={Role.ADMIN, Role.ANALYST},
                               password_hash=demo_hash)
    groups = [admin.create_group(session, boss, name=n, email=e) for n, e in data.GROUPS]
    services, categories = [], []
    for name, gi, cats in data.SERVICES:
        svc = admin.create_service(session, boss, name=name, default_group=groups[gi])
        services.append(svc)
        categories.append([admin.create_category(session, boss, name=c, service=svc, kind=k.replace("small_change", "incident"),
                                                 small_change=k == "small_change") for c, k in cats])
    items = [admin.create_configuration_item(session, boss, name=n, service=services[si]) for n, si in data.CONFIGURATION_ITEMS]
    vendors = [admin.create_vendor(session, boss, name=n, email=e) for n, e in data.VENDORS]
    orgs = [admin.create_organisation(session, boss, name=n, email_domain=d, subscription_hours=h)
            for n, d, h in data.ORGANISATIONS]
    taken: set[str] = {"admin", "analyst"}
    analyst = admin.create_person(session, boss, login="analyst", full_name="Олена Демченко",
                                  email="analyst@helpdesk.example", phone="+380 44 000 00 01",
                                  roles={Role.ANALYST, Role.GROUP_MEMBER}, password_hash=demo_hash)
    admin.add_member(session, boss, groups[0], analyst)
    admin.add_member(session, boss, groups[1], analyst)
    staff = [analyst]
    for i in range(17):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        login = _login(first, last, taken)
        person = admin.create_person(session, boss, login=login, full_name=f"{first} {last}",
                                     email=f"{login}@helpdesk.example", roles={Role.ANALYST, Role.GROUP_MEMBER},
                                     password_hash=demo_hash)
        admin.add_member(session, boss, groups[i % len(groups)], person)
        staff.append(person)
    callers = []
    for _i in range(240):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        org = rng.choice(orgs)
        login = _login(first, last, taken)
        callers.append(admin.create_person(
            session, boss, login=login, full_name=f"{first} {last}", email=f"{login}@{org.email_domain}",
            phone=f"+380 {rng.choice(['50', '67', '93', '44'])} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            organisation=org))
    return {"groups": groups, "services": services, "categories": categories, "items": items, "vendors": vendors,
            "staff": staff, "callers": callers, "boss": [boss]}


# Final status and its share of the demo incidents.
_OUTCOMES = (
    (IncidentStatus.CLOSED, 48), (IncidentStatus.RESOLVED, 8), (IncidentStatus.CANCELLED, 3),
    (IncidentStatus.REGISTERED, 9), (IncidentStatus.IN_PROGRESS, 12), (IncidentStatus.INFO_NEEDED, 5),
    (IncidentStatus.INFO_PROVIDED, 3), (IncidentStatus.THIRD_PARTY, 4), (IncidentStatus.FROM_THIRD_PARTY, 3),
    (IncidentStatus.REOPENED, 3),
)


def _one_incident(session: Session, rng: random.Random, clock: _Clock, ref: dict[str, list], outcome: IncidentStatus,  # type: ignore[type-arg]
                  *, for_demo_analyst: bool = False) -> None:
    si, short, description = rng.choice(data.PROBLEMS_REPORTED)
    service: Service = ref["services"][si]
    category: Category = rng.choice(ref["categories"][si])
    group: WorkGroup = ref["groups"][data.SERVICES[si][1]] if rng.random() < 0.7 else ref["groups"][0]
    members = [p for p in ref["staff"] if p.id in _members(session, group)]
    owner: Person = rng.choice(members) if members else ref["staff"][0]
    analyst: Person = ref["staff"][0]
    # The person a newcomer signs in as owns a fair share of the first line's work.
    if for_demo_analyst or (analyst.id in _members(session, group) and rng.random() < 0.3):
        group = group if analyst.id in _members(session, group) else ref["groups"][0]
        owner = analyst
    actor: Person = rng.choice(ref["staff"])
    caller: Person = rng.choice(ref["callers"])
    channel = rng.choices([Channel.PHONE, Channel.EMAIL, Channel.PORTAL, Channel.MESSENGER], [5, 3, 2, 1])[0]
    preset = channel in (Channel.EMAIL, Channel.PORTAL)
    inc = incidents.register_incident(
        session, actor, caller=caller, short_description=short.format(room=rng.randint(100, 420)),
        description=description, channel=channel, group=group,
        service=service if preset or rng.random() < 0.3 else None,
        category=category if channel is Channel.PORTAL else None,
        urgency=rng.randint(1, 3) if channel is Channel.PORTAL else None,
    )
    if outcome is IncidentStatus.REGISTERED:
        if rng.random() < 0.5:
            incidents.assign_incident(session, actor, inc, owner=owner)
        return
    clock.advance(rng, 3, 90)
    if category.kind == "change_request":
        # R36: development's work, started once the client has agreed to it.
        change_requests.set_kind(session, actor, inc, "change_request")
        change_requests.record_agreement(session, actor, inc, rng.choice(data.AGREEMENTS))
        if inc.group_id != group.id:
            group = session.get(WorkGroup, inc.group_id)  # type: ignore[assignment]
            members = [p for p in ref["staff"] if p.id in _members(session, group)]
            owner = rng.choice(members) if members else owner
    incidents.classify_incident(session, owner, inc, service=service, category=category,
                                impact=rng.choices([1, 2, 3], [1, 4, 6])[0], urgency=rng.choices([1, 2, 3], [1, 4, 5])[0],
                                owner=owner)
    demo_time.log_work(session, owner, inc, 5, 40)
    if rng.random() < 0.3:
        clock.advance(rng, 5, 60)
        notes.add_note(session, owner, inc, summary="", text=rng.choice(data.NOTES), published=rng.random() < 0.3)
    if rng.random() < 0.1 or outcome is IncidentStatus.IN_PROGRESS and rng.random() < 0.3:
        clock.advance(rng, 5, 60)
        other = rng.choice([g for g in ref["groups"] if g.id != group.id])
        task = tasks.create_task(session, owner, inc, group=other, details="Прошу допомогти з діагностикою.")
        if outcome is not IncidentStatus.IN_PROGRESS:
            helper = [p for p in ref["staff"] if p.id in _members(session, other)]
            if helper:
                clock.advance(rng, 10, 240)
                tasks.accept_task(session, helper[0], task)
                clock.advance(rng, 10, 240)
                tasks.complete_task(session, helper[0], task, comment="Перевірено, налаштування виправлено.")
    if outcome is IncidentStatus.IN_PROGRESS:
        return
    if outcome in (IncidentStatus.INFO_NEEDED, IncidentStatus.INFO_PROVIDED) or rng.random() < 0.15:
        clock.advance(rng, 5, 120)
        incidents.change_status(session, owner, inc, IncidentStatus.INFO_NEEDED, question=rng.choice(data.QUESTIONS))
        if outcome is IncidentStatus.INFO_NEEDED:
            return
        clock.advance(rng, 30, 1500)
        incidents.change_status(session, owner, inc, IncidentStatus.INFO_PROVIDED, answer=rng.choice(data.ANSWERS))
        if outcome is IncidentStatus.INFO_PROVIDED:
            return
    if outcome in (IncidentStatus.THIRD_PARTY, IncidentStatus.FROM_THIRD_PARTY) or rng.random() < 0.1:
        clock.advance(rng, 10, 180)
        vendor: Vendor = rng.choice(ref["vendors"])
        incidents.change_status(session, owner, inc, IncidentStatus.THIRD_PARTY, handoff=incidents.VendorHandoff(
            vendor=vendor, short_description=inc.short_description, details="Просимо перевірити з вашого боку."))
        if outcome is IncidentStatus.THIRD_PARTY:
            return
        clock.advance(rng, 60, 2800)
        incidents.change_status(session, owner, inc, IncidentStatus.FROM_THIRD_PARTY,
                                vendor_answer="Проблему усунено на нашому боці, перевірте, будь ласка.")
        if outcome is IncidentStatus.FROM_THIRD_PARTY:
            return
    if outcome is IncidentStatus.CANCELLED:
        clock.advance(rng, 5, 300)
        incidents.cancel_incident(session, owner, inc, reason="Користувач повідомив, що проблема зникла сама.")
        return
    clock.advance(rng, 20, 600)
    item: ConfigurationItem | None = rng.choice(ref["items"]) if rng.random() < 0.3 else None
    demo_time.log_work(session, owner, inc, 10, 90)
    incidents.resolve_incident(session, owner, inc, solution=rng.choice(data.SOLUTIONS),
                               reason_code=rng.choice(list(ReasonCode)), configuration_item=item,
                               resolve_with_open_tasks=True)  # as the analysts of the demo answer
    if outcome is IncidentStatus.RESOLVED:
        return
    clock.advance(rng, 30, 3000)
    if outcome is IncidentStatus.REOPENED:
        incidents.reopen_incident(session, owner, inc, reason="Користувач: проблема повторилася.")
        return
    incidents.close_incident(session, owner, inc)


def _attach(session: Session, obj):  # type: ignore[no-untyped-def]
    """The reference records again, in this batch's session."""
    if isinstance(obj, list):
        return [_attach(session, o) for o in obj]
    return session.merge(obj, load=False)


_member_cache: dict[int, set[int]] = {}


def _members(session: Session, group: WorkGroup) -> set[int]:
    if group.id not in _member_cache:
        _member_cache[group.id] = set(admin.group_member_ids(session, group.id))  # type: ignore[arg-type, index]
    return _member_cache[group.id]  # type: ignore[index]


DEMO_MARK = "demo_database"


def mark_demo(session: Session) -> None:
    """Say that this database holds only made-up data: `helpdesk demo` signs in to it without a
    password, and to no other database."""
    session.add(DeskSetting(key=DEMO_MARK, value=True))


def is_demo(session: Session) -> bool:
    row = session.get(DeskSetting, DEMO_MARK)
    return bool(row is not None and row.value is True)


def build_demo(db: Database, *, incidents: int = 2000, seed: int = 7, now: datetime | None = None,
               progress: Callable[[int, int], None] | None = None) -> str:
    """Fill an empty, initialised database; returns a one-line summary. `progress(done, total)`
    is called after every batch."""
    rng = random.Random(seed)
    demo_time.begin(seed)
    _member_cache.clear()
    end = now or datetime.now(UTC)
    with db.read() as session:
        rules = load_rules(session)
        calendar = rules.calendars.get("standard") or next(iter(rules.calendars.values()))
    clock = _Clock(calendar, end)
    # A year back: twelve months of time against the clients' subscriptions (R41).
    start = calendar.offset_us(end - timedelta(days=DEMO_DAYS)) + _MINUTE_US
    clock.at(start)
    set_clock(clock)
    try:
        with db.write() as session:
            mark_demo(session)
            ref = _reference(session, rng)
            for si, title, body, solution in data.ARTICLES:
                knowledge.create_article(session, ref["boss"][0], title=title, body=body, solution=solution,
                                         service=ref["services"][si])
            demo_problems.describe_items(session, ref["boss"][0], ref["groups"])
        outcomes = [o for o, _w in _OUTCOMES]
        weights = [w for _o, w in _OUTCOMES]
        # The last working day is left for the newest incidents' stories to unfold in.
        step = max(clock.limit - _DAY_US - start, 0) // max(incidents, 1)
        done = 0
        while done < incidents:
            with db.write() as session:
                ref = {k: [_attach(session, o) for o in v] for k, v in ref.items()}
                for _i in range(min(BATCH, incidents - done)):
                    clock.at(start + step * done)
                    # The older an incident, the likelier it is finished.
                    age = 1 - done / incidents
                    outcome = rng.choices(outcomes, weights)[0]
                    if age > 0.3 and outcome not in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED) and rng.random() < 0.9:
                        outcome = IncidentStatus.CLOSED
                    newest = incidents - done <= len(outcomes)
                    if newest:  # every status at least once, on the demo analyst's dashboards
                        outcome = outcomes[incidents - done - 1]
                    _one_incident(session, rng, clock, ref, outcome, for_demo_analyst=newest)
                    done += 1
            if progress is not None:
                progress(done, incidents)
        # Service requests over the same months, the catalog loaded first as an administrator would.
        with db.write() as session:
            clock.at(start)
            demo_requests.load_demo_catalog(session, _attach(session, ref["boss"][0]))
        count = max(len(demo_requests.OUTCOMES) + 3, incidents // 15)
        demo_requests.build_requests(db.write, rng, clock, ref, count=count, start=start,
                                     step=max(clock.limit - _DAY_US - start, 0) // count, attach=_attach)
        with db.write() as session:
            clock.at(clock.limit)
            orgs = list(session.execute(select(Organisation).order_by(Organisation.id)).scalars())
            demo_time.finish(session, _attach(session, ref["boss"][0]), _attach(session, ref["staff"][0]), orgs,
                             settings.today())
            demo_problems.add_problems(session, _attach(session, ref["boss"][0]),
                                       {k: [_attach(session, o) for o in v] for k, v in ref.items()})
            _portal_caller(session, _attach(session, ref["boss"][0]))
    finally:
        set_clock(None)
    return _("{groups} work groups, {analysts} analysts, {callers} callers, {incidents} incidents, "
             "{requests} service requests").format(
        groups=len(data.GROUPS), analysts=len(ref["staff"]), callers=len(ref["callers"]), incidents=incidents,
        requests=count)
