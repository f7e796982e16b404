"""What the incident operations share: the checks of their fields, loading a record to change
it (locked, changeable, not stale), the journal's names for ids, assignment notices."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from helpdesk_tui.desk import notify
from helpdesk_tui.desk.admin import groups_of
from helpdesk_tui.desk.common import SHORT_DESCRIPTION_MAX, check_text, check_version, get_for_update  # noqa: F401
from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Category, ConfigurationItem, Incident, Person, Service, WorkGroup

KIND = "incident"


def check_owner(session: Session, owner: Person | None, group: WorkGroup | None) -> None:
    if owner is None:
        return
    if not owner.active:
        raise RuleViolation(_("{name} is not active and cannot own records").format(name=owner.full_name), field="owner")
    if group is not None and group.id not in groups_of(session, owner.id):  # type: ignore[arg-type]
        raise RuleViolation(
            _("{name} is not a member of the work group {group}").format(name=owner.full_name, group=group.name),
            field="owner",
        )


def check_category(category: Category | None, service: Service | None) -> None:
    if category is not None and service is not None and category.service_id not in (None, service.id):
        raise RuleViolation(
            _("The category «{category}» does not belong to the service «{service}»").format(
                category=category.name, service=service.name
            ),
            field="category",
        )


def load_for_change(session: Session, incident: Incident, expected_version: int | None) -> Incident:
    """The incident, locked for this transaction, changeable and not stale."""
    fresh = get_for_update(session, Incident, incident.id, what=incident.number)  # type: ignore[arg-type]
    lifecycle.ensure_changeable(IncidentStatus(fresh.status), fresh.number)
    check_version(session, fresh, KIND, expected_version)
    return fresh


def notify_assignment(session: Session, actor: Person | None, incident: Incident, *, owner_changed: bool,
                       group_changed: bool) -> None:
    if owner_changed and incident.owner_id:
        owner = session.get(Person, incident.owner_id)
        if owner is not None and owner.id != (actor.id if actor else None):
            notify.queue(session, template="assigned_owner", record_kind=KIND, record_id=incident.id,  # type: ignore[arg-type]
                         number=incident.number, recipients=[owner], author=actor,
                         values=notify.incident_values(session, incident))
    elif group_changed and incident.group_id and not incident.owner_id:
        members = [m for m in notify.group_members(session, incident.group_id) if m.id != (actor.id if actor else None)]
        notify.queue(session, template="assigned_group", record_kind=KIND, record_id=incident.id,  # type: ignore[arg-type]
                     number=incident.number, recipients=members, author=actor,
                     values=notify.incident_values(session, incident))


def named_diff(session: Session, diff: list[tuple[str, str | None, str | None]]) -> list[tuple[str, str | None, str | None]]:
    """Field diffs with names instead of ids, as the journal shows them to people."""
    models: dict[str, tuple[str, Any, str]] = {
        "group_id": ("group", WorkGroup, "name"),
        "owner_id": ("owner", Person, "login"),
        "service_id": ("service", Service, "name"),
        "category_id": ("category", Category, "name"),
        "configuration_item_id": ("configuration_item", ConfigurationItem, "name"),
    }
    out = []
    for field, old, new in diff:
        if field in models:
            label, model, attr = models[field]

            def name(value: str | None) -> str | None:
                obj = session.get(model, int(value)) if value is not None else None
                return getattr(obj, attr) if obj is not None else None

            out.append((label, name(old), name(new)))
        else:
            out.append((field, old, new))
    return out
