"""What an analyst's screen asks of the desk, one call at a time: the lists of the dashboards and
the saved searches, a page at a time; the counts; one record; what changed since the last look.

The terminal interface calls these from worker threads; each call opens its own session, so
nothing here holds a transaction between two key presses.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import EllipsisType
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true

from helpdesk_tui.desk import searches as saved
from helpdesk_tui.desk.auth import SignedIn
from helpdesk_tui.desk.lookup import locate as locate_record
from helpdesk_tui.desk.record_edits import RecordEdits
from helpdesk_tui.desk.article_desk import ArticleDesk
from helpdesk_tui.desk.problem_desk import ProblemDesk
from helpdesk_tui.desk.config_item_desk import ConfigItemDesk
from helpdesk_tui.desk.request_desk import RequestDesk
from helpdesk_tui.desk.time_desk import TimeDesk
from helpdesk_tui.desk.notes import mark_all_read, mark_read
from helpdesk_tui.domain.contacts import shown_phone
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.domain.listing import ListQuery, SearchInfo
from helpdesk_tui.domain.filters import Condition, Filter
from helpdesk_tui.domain.search_terms import SearchHit, SearchPage
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store import choices, queries, records, search
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import ChangeFeed, Incident, Person, SavedSearch, Task

@dataclass(frozen=True)
class PersonChoice:
    id: int
    full_name: str
    login: str
    email: str | None
    phone: str | None
    organisation: str | None

    def describe(self) -> str:
        return " · ".join(x for x in (f"{self.full_name} ({self.login})", self.organisation, shown_phone(self.phone),
                                         self.email) if x)


def open_database(url: str) -> Database:
    """The database at `url`, or a clear refusal when `helpdesk init` has not been run on it."""
    from helpdesk_tui.desk.auth import SignInFailed

    db = Database(url)
    if db.stored_revision() is None:
        db.dispose()
        raise SignInFailed(_("The database {url} is not set up; run `helpdesk init` first").format(url=db.describe()))
    return db


DEFAULT_DASHBOARD = {Role.ANALYST: "analyst", Role.GROUP_MEMBER: "tasks", Role.ADMIN: "analyst"}


class Workspace:
    def __init__(self, db: Database, who: SignedIn, role: Role | None = None) -> None:
        self.db = db
        self.who = who
        self.role = role or who.roles[0]
        # The record view's other edits live in a facade of their own (desk/record_edits.py).
        self.edits = RecordEdits(db, who)
        self.requests = RequestDesk(db, who)  # and service requests (desk/request_desk.py)
        self.articles = ArticleDesk(db, who)  # the knowledge base (desk/article_desk.py)
        self.problems = ProblemDesk(db, who)  # problems (desk/problem_desk.py)
        self.items = ConfigItemDesk(db, who)  # configuration items (desk/config_item_desk.py)
        self.time = TimeDesk(db, who)  # time, subscriptions, change requests, statements (desk/time_desk.py)
        with db.read() as session:
            self.viewer = queries.Viewer.load(session, who.person_id)

    @property
    def home_dashboard(self) -> str:
        return DEFAULT_DASHBOARD.get(self.role, "analyst")

    def _person(self, session: Any) -> Person:
        person = session.get(Person, self.who.person_id)
        if person is None:
            raise NotFound(_("Your account was removed"))
        return person  # type: ignore[no-any-return]

    # --- lists ----------------------------------------------------------------------------

    def _where(self, session: Any, q: ListQuery) -> ColumnElement[bool]:
        parts: list[Any] = []
        if q.dashboard and q.tab:
            parts.append(queries.dashboard(q.dashboard).tab(q.tab).where(self.viewer))
        if q.search_id is not None:
            search = session.get(SavedSearch, q.search_id)
            if search is None or search.owner_id not in (None, self.who.person_id):
                raise NotFound(_("That saved search no longer exists"))
            parts.append(queries.compile_filter(session, q.kind, saved.search_filter(search), self.viewer))
        conditions = [Condition(name, "=", value) for name, value in q.quick]
        typed = saved.parse_for(q.kind, q.filter_line) if q.filter_line.strip() else Filter()
        if conditions or typed.conditions or typed.text:
            parts.append(queries.compile_filter(
                session, q.kind, Filter(tuple(conditions) + typed.conditions, typed.text), self.viewer))
        if q.group is not None:
            parts.append(choices.group_condition(q.kind, *q.group))
        return and_(true(), *parts)

    def check(self, q: ListQuery) -> None:
        """Raise the filter's mistake (RuleViolation) before a list is built from it."""
        with self.db.read() as session:
            self._where(session, q)

    def page(self, q: ListQuery, **kw: Any) -> queries.Page:
        # A plain dashboard tab's rows depend on nothing but the viewer: its first page's
        # statement can be kept (a saved search or a typed filter can change under the same key).
        plain = q.dashboard and q.tab and q.search_id is None and not q.quick and not q.filter_line.strip() \
            and q.group is None
        with self.db.read() as session:
            return queries.page(session, q.kind, lambda: self._where(session, q), viewer=self.viewer,
                                sort=q.sort, desc=q.desc, reuse=("tab", q.dashboard, q.tab) if plain else None, **kw)

    def total(self, q: ListQuery) -> int:
        with self.db.read() as session:
            return queries.count(session, q.kind, self._where(session, q))

    def groups(self, q: ListQuery, column: str) -> list[queries.GroupCount]:
        with self.db.read() as session:
            return queries.group_counts(session, q.kind, column, self._where(session, q.with_(group=None)))

    def counts(self, dashboard_key: str) -> dict[str, int]:
        with self.db.read() as session:
            return queries.tab_counts(session, dashboard_key, self.viewer)

    def values(self, kind: str, field: str, prefix: str = "", limit: int = 20) -> list[tuple[str, str]]:
        with self.db.read() as session:
            return choices.field_values(session, kind, field, prefix, limit)

    # --- the phone intake form (R3) ------------------------------------------------------------

    def people(self, text: str, limit: int = 8) -> list[PersonChoice]:
        """Callers matching what is typed: the start or any part of the name (every word, in any
        order), the login or the e-mail, or of the phone's digits (store/people_search.py)."""
        from helpdesk_tui.desk.lookup import name_key, phone_key
        from helpdesk_tui.store.people_search import find_people

        with self.db.read() as session:
            return [PersonChoice(*row) for row in find_people(session, key=name_key(text), digits=phone_key(text),
                                                                limit=limit)]

    def add_caller(self, *, full_name: str, phone: str | None = None, email: str | None = None) -> PersonChoice:
        """R3: a caller the desk does not know yet, added while they are on the line."""
        from helpdesk_tui.desk.admin import create_person
        from helpdesk_tui.domain.text import login_from_name

        base = (email or "").split("@")[0].strip().lower() or login_from_name(full_name) or "caller"
        with self.db.write() as session:
            taken = set(session.execute(select(Person.login).where(Person.login.startswith(base))).scalars())
            login, n = base, 1
            while login in taken:
                n += 1
                login = f"{base}{n}"
            person = create_person(session, self._person(session), login=login, full_name=full_name,
                                   phone=phone or None, email=email or None)
            session.flush()
            return PersonChoice(person.id, person.full_name, person.login, person.email, person.phone, None)  # type: ignore[arg-type]

    def work_groups(self) -> list[tuple[int, str]]:
        from helpdesk_tui.store.models import WorkGroup

        with self.db.read() as session:
            return [(g.id, g.name) for g in session.execute(
                select(WorkGroup).where(WorkGroup.active).order_by(WorkGroup.name)).scalars()]  # type: ignore[misc]

    def members(self, group_id: int) -> list[tuple[int, str]]:
        from helpdesk_tui.store.models import GroupMember

        with self.db.read() as session:
            return [(p.id, p.full_name) for p in session.execute(
                select(Person).join(GroupMember, GroupMember.person_id == Person.id)
                .where(GroupMember.group_id == group_id, Person.active).order_by(Person.sort_key, Person.id)).scalars()]

    def owners(self, group_id: int | None = None) -> list[tuple[int, str]]:
        """Who may own an incident: the group's members, or, with no group, everyone who works
        incidents (R3: a work group and/or an owner)."""
        if group_id is not None:
            return self.members(group_id)
        from helpdesk_tui.domain.statuses import Role as R
        from helpdesk_tui.store.models import PersonRole

        with self.db.read() as session:
            return [(p.id, p.full_name) for p in session.execute(
                select(Person).join(PersonRole, PersonRole.person_id == Person.id)
                .where(PersonRole.role.in_([R.ANALYST.value, R.GROUP_MEMBER.value]), Person.active)
                .distinct().order_by(Person.sort_key, Person.id)).scalars()]

    def register(self, *, caller_id: int | None, short_description: str, description: str = "",
                 group_id: int | None = None, owner_id: int | None = None, channel: str = "phone",
                 criticality: str | None = None, urgent_reason: str | None = None, kind: str | None = None,
                 links: tuple[tuple[str, int], ...] = (), solution_from: tuple[str, int] | None = None) -> dict[str, Any]:
        """Register an incident taken on the line or typed from a message (R37: its channel), with
        its criticality (R34, R35) and the related items chosen while typing (R4); its number, id
        and SLA targets (R6). One transaction: all of it or none."""
        from helpdesk_tui.desk.incidents import register_incident
        from helpdesk_tui.desk.knowledge import reuse_solution
        from helpdesk_tui.desk.notes import link_records
        from helpdesk_tui.domain.statuses import Channel
        from helpdesk_tui.store.models import WorkGroup

        with self.db.write() as session:
            actor = self._person(session)
            incident = register_incident(
                session, actor, short_description=short_description, description=description,
                caller=session.get(Person, caller_id) if caller_id else None, channel=Channel(channel),
                group=session.get(WorkGroup, group_id) if group_id else None,
                owner=session.get(Person, owner_id) if owner_id else None,
                criticality=criticality, urgent_reason=urgent_reason, kind=kind)
            for kind, target in links:
                link_records(session, actor, incident, to_kind=kind, to_id=target)
            if solution_from is not None:
                reuse_solution(session, actor, incident, source_kind=solution_from[0], source_id=solution_from[1])
            return {"id": incident.id, "number": incident.number, "response_due": incident.response_due,
                    "resolution_due": incident.resolution_due}

    # --- related items and full-text search (R4) ------------------------------------------------

    def related(self, typed: str, exclude: tuple[str, int] | None = None) -> dict[str, list[SearchHit]]:
        with self.db.read() as session:
            return search.related(session, typed, exclude=exclude)

    def find(self, typed: str, kind: str = "incident", limit: int = 50, offset: int = 0) -> SearchPage:
        with self.db.read() as session:
            return search.search_page(session, typed, kind=kind, limit=limit, offset=offset)

    def related_record(self, kind: str, record_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            data = records.related_detail(session, kind, record_id)
        if data is None:
            raise NotFound(_("That record no longer exists"))
        return data

    def link(self, incident_id: int, kind: str, record_id: int) -> None:
        from helpdesk_tui.desk.notes import link_records

        with self.db.write() as session:
            link_records(session, self._person(session), self._incident_for_change(session, incident_id),
                         to_kind=kind, to_id=record_id)

    def reuse_solution(self, incident_id: int, kind: str, record_id: int) -> None:
        from helpdesk_tui.desk.knowledge import reuse_solution

        with self.db.write() as session:
            reuse_solution(session, self._person(session), self._incident_for_change(session, incident_id),
                           source_kind=kind, source_id=record_id)

    # --- changes from the record view (R22–R26) -------------------------------------------------

    def _incident_for_change(self, session: Any, record_id: int) -> Incident:
        incident = session.get(Incident, record_id)
        if incident is None:
            raise NotFound(_("That record no longer exists"))
        return incident  # type: ignore[no-any-return]

    def change_status(self, record_id: int, target: str, *, expected_version: int | None, **data: Any) -> None:
        """Move an incident to `target` with what that status needs; a stale copy is refused
        (StaleVersion says what changed) so the analyst's text can be kept and sent again."""
        from helpdesk_tui.desk.incidents import change_status
        from helpdesk_tui.domain.statuses import IncidentStatus

        with self.db.write() as session:
            item_id = data.pop("configuration_item_id", None)
            if item_id is not None:  # R25: what the incident was resolved against
                from helpdesk_tui.store.models import ConfigurationItem

                data["configuration_item"] = session.get(ConfigurationItem, item_id)
            change_status(session, self._person(session), self._incident_for_change(session, record_id),
                          IncidentStatus(target), expected_version=expected_version, **data)

    def classification_choices(self, group_id: int | None) -> dict[str, list[tuple[int, str]]]:
        """What the classification form offers: services, every category by service, owners."""
        from helpdesk_tui.store.models import Category, Service

        with self.db.read() as session:
            services = [(x.id, x.name) for x in session.execute(
                select(Service).where(Service.active).order_by(Service.name)).scalars()]  # type: ignore[misc]
            categories = [(c.id, c.name, c.service_id) for c in session.execute(
                select(Category).where(Category.active, Category.kind == "incident").order_by(Category.name)).scalars()]  # type: ignore[misc]
        owners = self.owners()
        if group_id is not None:
            members = {pid for pid, _n in self.members(group_id)}
            owners = [o for o in owners if o[0] in members] or owners
        return {"services": services, "categories": categories, "owners": owners}  # type: ignore[dict-item]

    def classify(self, record_id: int, *, service_id: int, category_id: int, impact: int, urgency: int,
                 owner_id: int, expected_version: int | None,
                 configuration_item_id: int | None | EllipsisType = ...) -> None:
        """R18: the mandatory fields, and the status «Виконується робота»; the configuration item
        it is about too when given (None: none; left out: as it was)."""
        from helpdesk_tui.desk.incidents import classify_incident
        from helpdesk_tui.store.models import Category, ConfigurationItem, Service

        with self.db.write() as session:
            item: dict[str, Any] = {}
            if configuration_item_id is None:
                item["clear_configuration_item"] = True
            elif isinstance(configuration_item_id, int):
                item["configuration_item"] = session.get(ConfigurationItem, configuration_item_id)
                if item["configuration_item"] is None:
                    raise NotFound(_("That record no longer exists"))
            classify_incident(session, self._person(session), self._incident_for_change(session, record_id),
                              service=session.get(Service, service_id), category=session.get(Category, category_id),  # type: ignore[arg-type]
                              impact=impact, urgency=urgency, owner=session.get(Person, owner_id),  # type: ignore[arg-type]
                              expected_version=expected_version, **item)

    def change_priority(self, record_id: int, *, priority: int, justification: str,
                        expected_version: int | None) -> None:
        """R20 «Змінити пріоритет»: an override with its justification in the journal."""
        from helpdesk_tui.desk.incidents import change_priority

        with self.db.write() as session:
            change_priority(session, self._person(session), self._incident_for_change(session, record_id),
                            priority=priority, justification=justification, expected_version=expected_version)

    def add_note(self, record_id: int, *, summary: str, text: str, published: bool = False) -> None:
        """R23 «ADD » Примітки» on an incident."""
        from helpdesk_tui.desk.notes import add_note

        with self.db.write() as session:
            add_note(session, self._person(session), self._incident_for_change(session, record_id),
                     summary=summary, text=text, published=published)

    def vendors(self) -> list[tuple[int, str]]:
        from helpdesk_tui.store.models import Vendor

        with self.db.read() as session:
            return [(v.id, v.name) for v in session.execute(select(Vendor).order_by(Vendor.name)).scalars()]

    def hand_to_vendor(self, record_id: int, *, vendor_id: int, short_description: str, details: str = "",
                       service_id: int | None = None, expected_version: int | None) -> None:
        """R24 «Передано третій стороні»: the external task for the vendor, and the status."""
        from helpdesk_tui.desk.incidents import VendorHandoff, change_status
        from helpdesk_tui.domain.statuses import IncidentStatus
        from helpdesk_tui.store.models import Service, Vendor

        with self.db.write() as session:
            vendor = session.get(Vendor, vendor_id)
            if vendor is None:
                raise NotFound(_("That vendor no longer exists"))
            handoff = VendorHandoff(vendor=vendor, short_description=short_description, details=details,
                                    service=session.get(Service, service_id) if service_id else None)
            change_status(session, self._person(session), self._incident_for_change(session, record_id),
                          IncidentStatus.THIRD_PARTY, expected_version=expected_version, handoff=handoff)

    # --- tasks (R21, R29, R31) --------------------------------------------------------------------

    def new_task(self, incident_id: int, *, group_id: int, short_description: str, details: str = "") -> str:
        """«Завдання» → New: ask another work group for help; the new task's number."""
        from helpdesk_tui.desk.tasks import create_task
        from helpdesk_tui.store.models import WorkGroup

        with self.db.write() as session:
            group = session.get(WorkGroup, group_id)
            if group is None:
                raise NotFound(_("That work group no longer exists"))
            task = create_task(session, self._person(session), self._incident_for_change(session, incident_id),
                               group=group, short_description=short_description, details=details)
            return task.number

    def move_task(self, task_id: int, action: str, *, expected_version: int | None, text: str = "") -> None:
        """Accept, complete (with a comment) or cancel (with a reason) a task."""
        from helpdesk_tui.desk import tasks

        with self.db.write() as session:
            task = session.get(Task, task_id)
            if task is None:
                raise NotFound(_("That record no longer exists"))
            person = self._person(session)
            if action == "accept":
                tasks.accept_task(session, person, task, expected_version=expected_version)
            elif action == "complete":
                tasks.complete_task(session, person, task, comment=text, expected_version=expected_version)
            else:
                tasks.cancel_task(session, person, task, reason=text, expected_version=expected_version)

    # --- the recipe of a fast first frame (quickstart.py) -----------------------------------------

    def first_page_recipe(self, dashboard: str, tab: str) -> dict[str, Any]:
        """The SQL of `tab`'s first page and of the dashboard's tab counts, with every value
        written in, for the next start of this analyst's session to read before the store loads."""
        from helpdesk_tui.store.types import UTCDateTime

        board = queries.dashboard(dashboard)
        dialect = self.db.engine.dialect
        stmt, spec, _back = queries.page_statement(board.tab(tab).kind, board.tab(tab).where(self.viewer),
                                                   viewer=self.viewer, limit=queries.PAGE_SIZE)

        def sql(statement: Any) -> str:
            return queries.written_sql(statement, dialect)

        with self.db.read() as session:
            schema = session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
        return {
            "schema": schema, "dashboard": dashboard, "tab": tab, "role": self.role.value, "limit": queries.PAGE_SIZE,
            "sort": spec.name,
            "who": {"person_id": self.who.person_id, "login": self.who.login, "full_name": self.who.full_name,
                    "roles": [r.value for r in self.who.roles]},
            "page_sql": sql(stmt),
            "count_sql": {t.key: sql(queries.count_statement(t.kind, t.where(self.viewer))) for t in board.tabs},
            "datetime_columns": [c.name for c in stmt.selected_columns if isinstance(c.type, UTCDateTime)],
            "bool_columns": ["unread"],
        }

    # --- what changed ---------------------------------------------------------------------

    def feed_mark(self) -> int:
        with self.db.read() as session:
            return int(session.execute(select(func.coalesce(func.max(ChangeFeed.id), 0))).scalar_one())

    def changes_since(self, mark: int, limit: int = 500) -> tuple[int, list[tuple[str, int]]]:
        """The feed's new high-water mark and the records changed after `mark`."""
        with self.db.read() as session:
            rows = session.execute(
                select(ChangeFeed.id, ChangeFeed.record_kind, ChangeFeed.record_id)
                .where(ChangeFeed.id > mark).order_by(ChangeFeed.id).limit(limit)
            ).all()
        if not rows:
            return mark, []
        return rows[-1][0], [(kind, rid) for _i, kind, rid in rows]

    # --- one record -----------------------------------------------------------------------

    def locate(self, number: str) -> tuple[str, int]:
        """«Go to» (g): the kind and id of a record by its number, in any status."""
        with self.db.read() as session:
            return locate_record(session, number)

    def record(self, kind: str, record_id: int) -> dict[str, Any]:
        if kind == "service_request":
            return self.requests.record(record_id)
        model, detail = {
            "incident": (Incident, records.incident_detail),
            "task": (Task, records.task_detail),
        }[kind]
        with self.db.read() as session:
            obj = session.get(model, record_id)
            if obj is None:
                raise NotFound(_("That record no longer exists"))
            data = detail(session, obj, self.who.person_id)  # type: ignore[operator]
        data["kind"] = kind
        return data  # type: ignore[no-any-return]

    def mark_read(self, entry_id: int, read: bool = True) -> None:
        with self.db.write() as session:
            mark_read(session, self._person(session), entry_id, read=read)

    def mark_record_read(self, kind: str, record_id: int) -> int:
        with self.db.write() as session:
            return mark_all_read(session, self._person(session), kind, record_id)

    # --- saved searches (R14) -------------------------------------------------------------

    def searches(self, kind: str | None = None) -> list[SearchInfo]:
        with self.db.read() as session:
            rows = saved.visible_searches(session, self._person(session), kind)
            return [SearchInfo(s.id, saved.display_name(s), s.record_kind, s.owner_id is not None, fav,  # type: ignore[arg-type]
                               saved.describe_in_words(s)) for s, fav in rows]

    def search(self, search_id: int) -> tuple[SavedSearch, Filter]:
        with self.db.read() as session:
            search = session.get(SavedSearch, search_id)
            if search is None or search.owner_id not in (None, self.who.person_id):
                raise NotFound(_("That saved search no longer exists"))
            session.expunge(search)
            return search, saved.search_filter(search)

    def save_search(self, name: str, kind: str, flt: Filter, *, sort: str | None = None, desc: bool = True,
                    favourite: bool = False) -> SearchInfo:
        with self.db.write() as session:
            s = saved.save_search(session, self._person(session), name=name, kind=kind, flt=flt,
                                  sort_field=sort, sort_desc=desc, favourite=favourite)
            session.flush()
            return SearchInfo(s.id, s.name, kind, True, favourite, saved.describe_in_words(s))  # type: ignore[arg-type]

    def _own_search(self, session: Any, search_id: int) -> SavedSearch:
        search = session.get(SavedSearch, search_id)
        if search is None:
            raise NotFound(_("That saved search no longer exists"))
        return search  # type: ignore[no-any-return]

    def rename_search(self, search_id: int, new_name: str) -> None:
        with self.db.write() as session:
            saved.rename_search(session, self._person(session), self._own_search(session, search_id), new_name)

    def delete_search(self, search_id: int) -> None:
        with self.db.write() as session:
            saved.delete_search(session, self._person(session), self._own_search(session, search_id))

    def set_favourite(self, search_id: int, on: bool) -> None:
        with self.db.write() as session:
            saved.set_favourite(session, self._person(session), self._own_search(session, search_id), on)
