"""Configuration items («Конфігураційний елемент», R25): what the desk's incidents and problems
are about (a server, a printer, a program), kept by the analysts who meet them, not only by the
administrators; each with its kind, the work group that looks after it, where it is."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from helpdesk_tui.desk.common import (
    apply_changes,
    bump,
    check_text,
    check_version,
    desk_staff,
    feed,
    get_for_update,
    journal,
)
from helpdesk_tui.desk.incident_rules import named_diff
from helpdesk_tui.domain.collation import sort_key
from helpdesk_tui.domain.config_items import ItemKind, parse_kind
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import ConfigurationItem, Incident, Person, Problem, Service, WorkGroup

KIND = "configuration_item"
NAME_MAX = 200
TEXT_MAX = 10_000
LIST_LIMIT = 1000


def _name(session: Session, value: str | None, item_id: int | None = None) -> str:
    """One line, not blank, and no other item of that name (letter case aside: «srv-01» and
    «SRV-01» would be the same box to the people picking it)."""
    name = " ".join((value or "").split())
    if not name:
        raise RuleViolation(_("A configuration item needs a name"), field="name")
    if len(name) > NAME_MAX:
        raise RuleViolation(_("A name has at most {n} characters (this one has {m})").format(n=NAME_MAX, m=len(name)),
                            field="name")
    # Python folds the case: SQLite's lower() knows only ASCII. The list is a desk's few thousand.
    folded = name.casefold()
    stmt = select(ConfigurationItem.id, ConfigurationItem.name)
    if item_id is not None:
        stmt = stmt.where(ConfigurationItem.id != item_id)
    for _id, other in session.execute(stmt.where(func.length(ConfigurationItem.name) == len(name))):
        if other.casefold() == folded:
            raise RuleViolation(_("A configuration item «{name}» already exists").format(name=other), field="name")
    return name


def _flush(session: Session, name: str) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # another analyst took the name a moment ago
        raise RuleViolation(_("A configuration item «{name}» already exists").format(name=name),
                            field="name") from exc


def create_item(session: Session, actor: Person | None, *, name: str, kind: ItemKind | str = ItemKind.OTHER,
                service: Service | None = None, group: WorkGroup | None = None, location: str = "",
                description: str = "") -> ConfigurationItem:
    actor = desk_staff(session, actor)
    item = ConfigurationItem(name=_name(session, name), kind=parse_kind(kind).value,
                             service_id=service.id if service else None, group_id=group.id if group else None,
                             location=check_text(location, "location", limit=NAME_MAX),
                             description=check_text(description, "description", limit=TEXT_MAX))
    session.add(item)
    _flush(session, item.name)
    journal(session, record_kind=KIND, record_id=item.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Configuration item added")),
            diff=[("name", None, item.name), ("kind", None, item.kind)], record_version=1)
    feed(session, KIND, item.id, "created", actor)  # type: ignore[arg-type]
    return item


def update_item(session: Session, actor: Person | None, item: ConfigurationItem | int, *,
                expected_version: int | None = None, **changes: Any) -> ConfigurationItem:
    """Change the name, kind, service, work group, location, description, or retire it
    (active=False: kept on its incidents, no longer offered)."""
    actor = desk_staff(session, actor)
    item_id = item if isinstance(item, int) else item.id
    item = get_for_update(session, ConfigurationItem, item_id, what=_("configuration item"))  # type: ignore[arg-type]
    check_version(session, item, KIND, expected_version)
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "name":
            values[name] = _name(session, value, item.id)
        elif name == "kind":
            values[name] = parse_kind(value).value
        elif name == "location":
            values[name] = check_text(value, name, limit=NAME_MAX)
        elif name == "description":
            values[name] = check_text(value, name, limit=TEXT_MAX)
        elif name in ("service", "group"):
            values[f"{name}_id"] = value.id if value is not None else None
        elif name == "active":
            values[name] = bool(value)
        else:
            raise RuleViolation(_("{field} cannot be changed here").format(field=name), field=name)
    diff = apply_changes(item, values)
    if diff:
        bump(item)
        _flush(session, item.name)
        journal(session, record_kind=KIND, record_id=item.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("Configuration item edited")), diff=named_diff(session, diff),
                record_version=item.version)
        feed(session, KIND, item.id, "updated", actor)  # type: ignore[arg-type]
    return item


def list_items(session: Session, *, kind: ItemKind | None = None, group: WorkGroup | None = None,
               include_retired: bool = False) -> list[ConfigurationItem]:
    stmt = select(ConfigurationItem).order_by(ConfigurationItem.name).limit(LIST_LIMIT)
    if kind is not None:
        stmt = stmt.where(ConfigurationItem.kind == kind.value)
    if group is not None:
        stmt = stmt.where(ConfigurationItem.group_id == group.id)
    if not include_retired:
        stmt = stmt.where(ConfigurationItem.active.is_(True))  # type: ignore[attr-defined]
    # Neither engine orders Ukrainian names as people read them (domain/collation.py).
    return sorted(session.execute(stmt).scalars(), key=lambda item: sort_key(item.name))


def item_incidents(session: Session, item: ConfigurationItem) -> list[Incident]:
    """The incidents about this item, newest first (the last thousand)."""
    stmt = (select(Incident).where(Incident.configuration_item_id == item.id)
            .order_by(Incident.id.desc()).limit(LIST_LIMIT))  # type: ignore[union-attr]
    return list(session.execute(stmt).scalars())


def item_problems(session: Session, item: ConfigurationItem) -> list[Problem]:
    stmt = (select(Problem).where(Problem.configuration_item_id == item.id)
            .order_by(Problem.id.desc()).limit(LIST_LIMIT))  # type: ignore[union-attr]
    return list(session.execute(stmt).scalars())
