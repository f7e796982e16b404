"""Saved searches (R14): personal ones for their owner, predefined ones for everyone, favourites."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlmodel import Session

from helpdesk_tui.desk.common import feed, get_for_update, insert_ignore, require_active
from helpdesk_tui.domain.field_values import describe_filter
from helpdesk_tui.domain.errors import DeskError, NotFound, PermissionDenied, RuleViolation  # noqa: F401  (NotFound re-exported)
from helpdesk_tui.domain.filters import Condition, Filter, format_filter, parse
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store import queries
from helpdesk_tui.store.models import Person, SavedSearch, SavedSearchFavourite

# Shipped with the product; the first is the manual's own example (R14).
PREDEFINED: tuple[tuple[str, str, str], ...] = (
    (N_("Registered, first line"), "incident", 'status:registered group:"Перша лінія підтримки Контакт-центр"'),
    (N_("Priority 1 and 2, open"), "incident", "priority<=2 -status:closed,cancelled"),
    (N_("Unassigned, open"), "incident", "owner: -status:closed,cancelled,resolved"),
    (N_("Waiting for the caller"), "incident", "status:info_needed"),
    (N_("With a vendor"), "incident", "status:third_party"),
    (N_("Resolved, not yet closed"), "incident", "status:resolved"),
)


def parse_for(kind: str, line: str) -> Filter:
    return parse(line, queries.source(kind).filter_fields)


def install_predefined(session: Session) -> int:
    """Add the shipped searches that are missing; safe to run on every `helpdesk init`."""
    existing = set(session.execute(select(SavedSearch.name).where(SavedSearch.owner_id.is_(None))).scalars())  # type: ignore[union-attr]
    added = 0
    for name, kind, line in PREDEFINED:
        if name in existing:
            continue
        flt = parse_for(kind, line)
        session.add(SavedSearch(owner_id=None, name=name, record_kind=kind,
                                conditions=[c.to_dict() for c in flt.conditions], text=flt.text))
        added += 1
    return added


def save_search(session: Session, actor: Person | None, *, name: str, kind: str, flt: Filter,
                sort_field: str | None = None, sort_desc: bool = True, favourite: bool = False) -> SavedSearch:
    """«Save As»: a personal search; the same name again replaces that search's conditions."""
    actor = require_active(actor)
    name = (name or "").strip()
    if not name:
        raise RuleViolation(_("A saved search needs a name"), field="name")
    with session.no_autoflush:
        probe = queries.compile_filter(session, kind, flt, queries.Viewer(actor.id, ()))  # type: ignore[arg-type]
    del probe  # compiling checks every field, operator and value before anything is stored
    if sort_field is not None:
        queries.source(kind).column(sort_field)
    search = session.execute(
        select(SavedSearch).where(SavedSearch.owner_id == actor.id, SavedSearch.name == name,
                                  SavedSearch.record_kind == kind)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if search is None:
        search = SavedSearch(owner_id=actor.id, name=name, record_kind=kind)
        session.add(search)
    else:
        search.version += 1
    search.conditions = [c.to_dict() for c in flt.conditions]
    search.text = flt.text
    search.sort_field = sort_field
    search.sort_desc = sort_desc
    session.flush()
    if favourite:
        set_favourite(session, actor, search, True)
    feed(session, "saved_search", search.id, "saved", actor)  # type: ignore[arg-type]
    return search


def visible_searches(session: Session, person: Person, kind: str | None = None) -> list[tuple[SavedSearch, bool]]:
    """Predefined and my own searches, favourites first (R14); with whether each is a favourite."""
    favs = set(session.execute(select(SavedSearchFavourite.search_id).where(SavedSearchFavourite.person_id == person.id)).scalars())
    stmt = select(SavedSearch).where(or_(SavedSearch.owner_id.is_(None), SavedSearch.owner_id == person.id))  # type: ignore[union-attr]
    if kind:
        stmt = stmt.where(SavedSearch.record_kind == kind)
    rows = list(session.execute(stmt).scalars())
    rows.sort(key=lambda s: (s.id not in favs, s.owner_id is None, s.name.casefold()))
    return [(s, s.id in favs) for s in rows]


def display_name(search: SavedSearch) -> str:
    """Shipped searches are named in the interface's language; people's own, as they typed them."""
    return _(search.name) if search.owner_id is None else search.name


def find_search(session: Session, person: Person, name_or_id: str) -> SavedSearch:
    wanted = name_or_id.strip().casefold()
    for search, _fav in visible_searches(session, person):
        if str(search.id) == wanted or search.name.casefold() == wanted or display_name(search).casefold() == wanted:
            return search
    names = ", ".join(f"«{display_name(s)}»" for s, _fav in visible_searches(session, person))
    raise NotFound(_("No saved search «{name}»; yours are: {names}").format(name=name_or_id, names=names or "—"))


def _own(actor: Person, search: SavedSearch) -> None:
    if search.owner_id != actor.id:
        raise PermissionDenied(_("«{name}» is not your search").format(name=display_name(search)))


def _locked(session: Session, search: SavedSearch) -> SavedSearch:
    """The search as it is now, locked: a rename or a deletion decides on that copy."""
    return get_for_update(session, SavedSearch, search.id, what=display_name(search))  # type: ignore[arg-type]


def rename_search(session: Session, actor: Person | None, search: SavedSearch, new_name: str) -> SavedSearch:
    actor = require_active(actor)
    search = _locked(session, search)
    _own(actor, search)
    new_name = (new_name or "").strip()
    if not new_name:
        raise RuleViolation(_("A saved search needs a name"), field="name")
    clash = session.execute(select(SavedSearch.id).where(SavedSearch.owner_id == actor.id, SavedSearch.name == new_name,
                                                         SavedSearch.id != search.id)).first()
    if clash:
        raise DeskError(_("You already have a search named «{name}»").format(name=new_name))
    search.name = new_name
    search.version += 1
    feed(session, "saved_search", search.id, "renamed", actor)  # type: ignore[arg-type]
    return search


def delete_search(session: Session, actor: Person | None, search: SavedSearch) -> None:
    actor = require_active(actor)
    search = _locked(session, search)
    _own(actor, search)
    session.execute(delete(SavedSearchFavourite).where(SavedSearchFavourite.search_id == search.id))
    feed(session, "saved_search", search.id, "deleted", actor)  # type: ignore[arg-type]
    session.delete(search)


def set_favourite(session: Session, actor: Person | None, search: SavedSearch, favourite: bool) -> None:
    """«Favorite»: any search I can see may go on my favourites list."""
    actor = require_active(actor)
    if favourite:  # twice at once is once, not a clash of keys
        insert_ignore(session, SavedSearchFavourite, person_id=actor.id, search_id=search.id)
    else:
        session.execute(delete(SavedSearchFavourite).where(SavedSearchFavourite.person_id == actor.id,
                                                           SavedSearchFavourite.search_id == search.id))


def search_filter(search: SavedSearch) -> Filter:
    return Filter(tuple(Condition.from_dict(c) for c in search.conditions), search.text or "")


def describe(search: SavedSearch) -> str:
    """The search as a filter line (what `search run` and the filter line take)."""
    return format_filter(search_filter(search))


def describe_in_words(search: SavedSearch) -> str:
    """The search as people read it, in the interface's language (the list of searches)."""
    flt = search_filter(search)
    return describe_filter(search.record_kind, [(c.field, c.op, c.value) for c in flt.conditions], flt.text)
