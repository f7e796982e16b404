"""The service catalog (R27, R29): loading the reviewed file, and what a requester may ask for.

`load_catalog` is all or nothing: every mistake of the file and every name it uses that the desk
does not know is reported, one line each with the file, line and key, and nothing is written
unless there is none. An item whose definition changed becomes its next version; loading the
same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlmodel import Session

from helpdesk_tui.desk.admin import groups_of, require_admin
from helpdesk_tui.desk.common import desk_staff, feed, journal
from helpdesk_tui.desk.lookup import name_key
from helpdesk_tui.domain.catalog import FieldDef, fields_of, in_language
from helpdesk_tui.domain.catalog_file import ItemSpec, Lines, Problems, read_catalog
from helpdesk_tui.domain.errors import DeskError, NotFound, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, _, current_language, ngettext
from helpdesk_tui.store.models import CatalogItem, Organisation, Person, Service, WorkGroup


class CatalogFileError(DeskError):
    """A catalog file with mistakes: one line per mistake; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(ngettext("The catalog was not loaded: {n} mistake", "The catalog was not loaded: {n} mistakes",
                                  len(problems)).format(n=len(problems)) + "\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadResult:
    added: list[str]
    changed: list[str]
    unchanged: list[str]
    withdrawn: list[str]


class _Names:
    """The names a catalog file uses, looked up once each, case and spaces aside."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[type, str], int | None] = {}

    def find(self, model: type, text: str) -> int | None:
        key = (model, name_key(text))
        if key not in self.cache:
            if model is Person:
                stmt = select(Person.id).where(Person.login == text.strip(), Person.active.is_(True))  # type: ignore[attr-defined]
            else:
                stmt = select(model.id).where(model.name == text.strip())  # type: ignore[attr-defined]
                if model is WorkGroup:
                    stmt = stmt.where(WorkGroup.active.is_(True))  # type: ignore[attr-defined]
            rows = list(self.session.execute(stmt.limit(2)).scalars())
            self.cache[key] = rows[0] if len(rows) == 1 else None
        return self.cache[key]


def _resolve(item: ItemSpec, names: _Names, problems: Problems) -> dict[str, Any]:
    path = ("item", item.index)
    what = {WorkGroup: _("work group"), Service: _("service"), Organisation: _("client"), Person: _("person (login)")}

    def one(model: type, text: str, key: tuple[Any, ...]) -> int | None:
        found = names.find(model, text)
        if found is None:
            problems.add(path + key, _("no {what} «{name}» at this desk").format(what=what[model], name=text))
        return found

    def many(model: type, texts: list[str], key: tuple[Any, ...]) -> list[int]:
        return [i for i in (one(model, t, key) for t in texts) if i is not None]

    stages = []
    for s, stage in enumerate(item.stages):
        stages.append([{"group_id": one(WorkGroup, task.group, ("stage", s, "task", t, "group")),
                        "short_description": task.short_description, "details": task.details}
                       for t, task in enumerate(stage)])
    approval = None
    if item.approvers or item.approver_groups:
        approval = {"people": many(Person, item.approvers, ("approval", "people")),
                    "groups": many(WorkGroup, item.approver_groups, ("approval", "groups")),
                    "mode": item.approval_mode}
    return {
        "code": item.code, "name": item.name["uk"] if "uk" in item.name else "", "name_en": item.name.get("en", ""),
        "description": item.description.get("uk", ""), "description_en": item.description.get("en", ""),
        "group_id": one(WorkGroup, item.group, ("group",)) if item.group else None,
        "service_id": one(Service, item.service, ("service",)) if item.service else None,
        "audience": {"organisations": many(Organisation, item.organisations, ("organisations",)),
                     "groups": many(WorkGroup, item.groups, ("groups",))},
        "fields": [f.as_json() for f in item.fields],
        "approval": approval,
        "stages": stages,
        "response_minutes": round(item.response_hours * 60) if item.response_hours else None,
        "resolution_minutes": round(item.resolution_hours * 60) if item.resolution_hours else None,
        "digest": item.digest(),
    }


def _current(session: Session, code: str) -> CatalogItem | None:
    return session.execute(select(CatalogItem).where(CatalogItem.code == code)
                           .order_by(CatalogItem.version.desc()).limit(1)).scalar_one_or_none()


def load_catalog(session: Session, actor: Person | None, text: str, file: str, *,
                 withdraw_missing: bool = False) -> LoadResult:
    """Load a catalog file: all of it, or nothing and a CatalogFileError listing every mistake."""
    actor = require_admin(session, actor)
    items, found = read_catalog(text, file)
    problems = Problems(file, Lines(text))
    problems.found = list(found)
    names = _Names(session)
    resolved = [(item, _resolve(item, names, problems)) for item in items]
    if problems.found:
        raise CatalogFileError(problems.found)
    result = LoadResult([], [], [], [])
    seen = set()
    for item, values in resolved:
        seen.add(item.code)
        latest = _current(session, item.code)
        if latest is not None and latest.digest == values["digest"]:
            result.unchanged.append(item.code)
            continue
        if latest is not None:
            for old in session.execute(select(CatalogItem).where(CatalogItem.code == item.code,
                                                                 CatalogItem.current.is_(True))).scalars():  # type: ignore[attr-defined]
                old.current = False
        row = CatalogItem(**values, version=(latest.version + 1) if latest else 1, current=item.active,
                          loaded_by_id=actor.id if actor else None)
        session.add(row)
        session.flush()
        (result.changed if latest else result.added).append(item.code)
        journal(session, record_kind="catalog_item", record_id=row.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("Catalog item {code} loaded from {file} (version {version})"),
                                code=item.code, file=file, version=row.version), record_version=row.version)
        feed(session, "catalog_item", row.id, "loaded", actor)  # type: ignore[arg-type]
    if withdraw_missing:
        for row in session.execute(select(CatalogItem).where(CatalogItem.current.is_(True))).scalars():  # type: ignore[attr-defined]
            if row.code not in seen:
                row.current = False
                result.withdrawn.append(row.code)
    return result


# --- reading the catalog ------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInfo:
    id: int
    code: str
    version: int
    name: str
    description: str
    group_id: int | None
    service_id: int | None
    fields: list[FieldDef]
    approval: dict[str, Any] | None
    stages: list[list[dict[str, Any]]]
    response_minutes: int | None
    resolution_minutes: int | None
    audience: dict[str, list[int]]
    current: bool

    @classmethod
    def of(cls, row: CatalogItem) -> ItemInfo:
        return cls(id=row.id, code=row.code, version=row.version,  # type: ignore[arg-type]
                   name=in_language({"uk": row.name, "en": row.name_en}),
                   description=in_language({"uk": row.description, "en": row.description_en}),
                   group_id=row.group_id, service_id=row.service_id, fields=fields_of(row.fields),
                   approval=row.approval, stages=row.stages, response_minutes=row.response_minutes,
                   resolution_minutes=row.resolution_minutes, audience=row.audience or {}, current=row.current)


def _may_ask(session: Session, item: CatalogItem, requester: Person | None) -> bool:
    audience = item.audience or {}
    organisations, groups = audience.get("organisations") or [], audience.get("groups") or []
    if not organisations and not groups:
        return True
    if requester is None:
        return False
    if requester.organisation_id in organisations:
        return True
    return bool(groups) and bool(set(groups) & set(groups_of(session, requester.id)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Offer:
    """A current item as the picker matches it: its words and audience worked out once."""

    info: ItemInfo
    haystack: str  # its names in both languages and its code, as name_key folds them
    key: str  # its name in the interface's language, folded: the order of the list
    organisations: frozenset[int]
    groups: frozenset[int]


# The current items per database and interface language, with the marker they were read under.
# The picker asks at every keystroke; the catalog changes when a file is loaded.
_OFFERS: dict[tuple[str, str], tuple[tuple[Any, ...], list[_Offer]]] = {}
_OFFERS_MAX = 16


def _marker(session: Session) -> tuple[Any, ...]:
    """What changes whenever the current items do: a load adds versions (a higher id, a later
    load time) and a withdrawal lowers the count of current ones."""
    return tuple(session.execute(select(
        func.count(CatalogItem.id), func.max(CatalogItem.id), func.max(CatalogItem.loaded_at),
        func.sum(case((CatalogItem.current.is_(True), 1), else_=0)),  # type: ignore[attr-defined]
    )).one())


def _current_offers(session: Session) -> list[_Offer]:
    place = (str(session.get_bind().url), current_language())
    marker = _marker(session)
    kept = _OFFERS.get(place)
    if kept is not None and kept[0] == marker:
        return kept[1]
    offers = []
    rows = session.execute(select(CatalogItem).where(CatalogItem.current.is_(True))  # type: ignore[attr-defined]
                           .order_by(CatalogItem.id)).scalars()
    for row in rows:
        info = ItemInfo.of(row)
        audience = row.audience or {}
        offers.append(_Offer(info, name_key(f"{info.name} {row.name} {row.name_en} {row.code}"), name_key(info.name),
                             frozenset(audience.get("organisations") or ()), frozenset(audience.get("groups") or ())))
    if len(_OFFERS) >= _OFFERS_MAX:
        _OFFERS.clear()
    _OFFERS[place] = (marker, offers)
    return offers


def offered(session: Session, requester: Person | None, typed: str = "", limit: int = 50) -> list[ItemInfo]:
    """The current items this requester may ask for whose name or code has every word typed,
    in the interface's language first, best first (a name starting with the words first).

    Asked at every keystroke: the items are read once per catalog change (`_current_offers`),
    and the requester's groups once per call, only when an item is for some groups."""
    words = name_key(typed).split()
    groups: set[int] | None = None
    out = []
    for offer in _current_offers(session):
        if offer.organisations or offer.groups:  # as _may_ask decides
            if requester is None:
                continue
            if requester.organisation_id not in offer.organisations:
                if not offer.groups:
                    continue
                if groups is None:
                    groups = set(groups_of(session, requester.id))  # type: ignore[arg-type]
                if not offer.groups & groups:
                    continue
        if all(w in offer.haystack for w in words):
            out.append(offer)
    starts = " ".join(words)
    out.sort(key=lambda o: (not o.key.startswith(starts), o.key))
    return [o.info for o in out[:limit]]


def find_item(session: Session, text: str, *, current_only: bool = True) -> CatalogItem:
    """An item by its code, or by its name in either language."""
    stmt = select(CatalogItem).where(or_(CatalogItem.code == text.strip(), CatalogItem.name == text.strip(),
                                         CatalogItem.name_en == text.strip()))
    if current_only:
        stmt = stmt.where(CatalogItem.current.is_(True))  # type: ignore[attr-defined]
    rows = list(session.execute(stmt.order_by(CatalogItem.version.desc())).scalars())
    if not rows:
        raise NotFound(_("No catalog item «{text}»").format(text=text))
    return rows[0]


def item_for(session: Session, actor: Person | None, requester: Person, item_id: int) -> CatalogItem:
    """The item a new request is made from: current, and one this requester may ask for."""
    desk_staff(session, actor)
    item = session.get(CatalogItem, item_id)
    if item is None or not item.current:
        raise NotFound(_("That catalog item is no longer offered"))
    if not _may_ask(session, item, requester):
        raise RuleViolation(_("{name} may not ask for «{item}»").format(
            name=requester.full_name, item=ItemInfo.of(item).name), field="item")
    return item


def all_items(session: Session, *, include_old: bool = False) -> list[CatalogItem]:
    stmt = select(CatalogItem)
    if not include_old:
        stmt = stmt.where(CatalogItem.current.is_(True))  # type: ignore[attr-defined]
    return list(session.execute(stmt.order_by(CatalogItem.code, CatalogItem.version)).scalars())
