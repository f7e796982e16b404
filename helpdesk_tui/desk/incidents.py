"""The incident lifecycle (R3, R5, R18–R26): register, classify, assign, change priority; the
status changes (move, resolve, close) live in incident_status.py and are offered here too.

Every operation refuses a closed incident (R26), checks the caller's version (R43), writes the
journal with the field diffs (R42), queues notifications (R5) and appends to the change feed.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from helpdesk_tui.desk import change_requests, notify, settings
from helpdesk_tui.desk.common import SHORT_DESCRIPTION_MAX, apply_changes, bump, desk_staff, feed, journal, next_number
from helpdesk_tui.desk.incident_rules import (
    KIND,
    check_category,
    check_owner,
    check_text,
    load_for_change,
    named_diff,
    notify_assignment,
)
from helpdesk_tui.desk.incident_status import (  # noqa: F401  (the status operations, offered here too)
    Effects,
    VendorHandoff,
    cancel_incident,
    change_status,
    close_incident,
    reopen_incident,
    resolve_incident,
)
from helpdesk_tui.desk.sla import refresh_due
from helpdesk_tui.domain.collation import NOBODY
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.lifecycle import check_assignment
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.priority import check_level, check_override
from helpdesk_tui.domain.sla import StatusChange, check_urgent_reason
from helpdesk_tui.domain.statuses import Channel, IncidentStatus
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Category, ConfigurationItem, GroupMember, Incident, Person, Service, WorkGroup
from helpdesk_tui.store.rows import new_row, write_row



def register_incident(
    session: Session,
    actor: Person | None,
    *,
    short_description: str,
    caller: Person | None = None,
    description: str = "",
    channel: Channel = Channel.PHONE,
    group: WorkGroup | None = None,
    owner: Person | None = None,
    service: Service | None = None,
    category: Category | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    criticality: str | None = None,
    urgent_reason: str | None = None,
    kind: str | None = None,
    notify_caller: bool = True,
) -> Incident:
    """R3: a new incident, usually while the caller is on the phone; R37: with its channel. Its
    work group (the service's default when none is named), its owner, or both: never nobody.
    `notify_caller=False`: the operation that registers it tells the caller in its own words."""
    actor = desk_staff(session, actor)
    check_urgent_reason(criticality, urgent_reason)
    short_description = check_text(short_description, "short_description", required=True, limit=SHORT_DESCRIPTION_MAX)
    if caller is not None and not caller.active:
        raise RuleViolation(_("{name} is not active").format(name=caller.full_name), field="caller")
    kind = change_requests.check_kind(kind or (category.kind if category is not None else "incident"))
    if kind == "change_request":
        # R36: development's work, whichever group the form had; its owner only if one of them.
        development, _missing = change_requests.development_group(session)
        if development is not None:
            group = development
            if owner is not None and session.get(GroupMember, (development.id, owner.id)) is None:
                owner = None
    if group is None and service is not None and service.default_group_id:
        group = session.get(WorkGroup, service.default_group_id)
    check_assignment(group.id if group else None, owner.id if owner else None)
    check_owner(session, owner, group)
    check_category(category, service)
    for name, level in (("impact", impact), ("urgency", urgency)):
        if level is not None:
            check_level(name, level)
    incident = new_row(
        Incident,
        number=next_number(session, "incident"),
        caller_id=caller.id if caller else None,
        caller_sort=caller.sort_key if caller else NOBODY,
        organisation_id=caller.organisation_id if caller else None,
        channel=Channel(channel).value,
        short_description=short_description,
        description=(description or "").strip(),
        service_id=service.id if service else None,
        category_id=category.id if category else None,
        impact=impact,
        urgency=urgency,
        criticality=criticality,
        urgent_reason=urgent_reason if criticality == "urgent" else None,
        kind=kind,
        priority=settings.current().matrix.compute(impact, urgency),
        group_id=group.id if group else None,
        owner_id=owner.id if owner else None,
        opened_by_id=actor.id,
        status=IncidentStatus.REGISTERED.value,
        waiting_on="desk",
    )
    # The due times go in with the row (no UPDATE after it): a registration's history is itself.
    refresh_due(session, incident, [StatusChange(incident.created_at, incident.status)])
    write_row(session, incident, attach=True)
    initial = [
        (name, None, str(value))
        for name, value in (
            ("caller", caller.login if caller else None),
            ("short_description", short_description),
            ("channel", incident.channel),
            ("kind", kind if kind != "incident" else None),
            ("service", service.name if service else None),
            ("category", category.name if category else None),
            ("impact", impact),
            ("urgency", urgency),
            ("priority", incident.priority),
            ("criticality", criticality),
            ("urgent_reason", incident.urgent_reason),
            ("group", group.name if group else None),
            ("owner", owner.login if owner else None),
            ("status", incident.status),
        )
        if value is not None
    ]
    journal(session, record_kind=KIND, record_id=incident.id, kind="status", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Incident registered")), body=incident.description, diff=initial,
            status_to=incident.status, record_version=incident.version)
    if caller is not None and notify_caller:
        notify.queue(session, template="registered", record_kind=KIND, record_id=incident.id,  # type: ignore[arg-type]
                     number=incident.number, recipients=[caller], author=actor,
                     values=notify.incident_values(session, incident))
    if kind == "change_request":
        change_requests.ask_agreement(session, actor, incident)
    notify_assignment(session, actor, incident, owner_changed=owner is not None, group_changed=group is not None)
    feed(session, KIND, incident.id, "created", actor)  # type: ignore[arg-type]
    return incident


def update_incident(
    session: Session,
    actor: Person | None,
    incident: Incident,
    *,
    expected_version: int | None = None,
    summary: Message | None = None,
    **changes: Any,
) -> Incident:
    """Change fields (short description, description, service, category, impact, urgency,
    channel, configuration item); the priority follows impact and urgency unless overridden."""
    actor = desk_staff(session, actor)
    incident = load_for_change(session, incident, expected_version)
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "short_description":
            values[name] = check_text(value, name, required=True, limit=SHORT_DESCRIPTION_MAX)
        elif name == "description":
            values[name] = (value or "").strip()
        elif name in ("impact", "urgency"):
            if value is not None:
                check_level(name, value)
            values[name] = value
        elif name == "channel":
            values[name] = Channel(value).value
        elif name in ("criticality", "urgent_reason"):
            values[name] = value or None
        elif name in ("service", "category", "configuration_item"):
            values[f"{name}_id"] = value.id if value is not None else None
        elif name == "kind":
            values.update(change_requests.kind_changes(session, incident, value)[0])
        else:
            raise RuleViolation(_("{field} cannot be changed here").format(field=name), field=name)
    service = session.get(Service, values.get("service_id", incident.service_id)) if values.get("service_id", incident.service_id) else None
    category = session.get(Category, values.get("category_id", incident.category_id)) if values.get("category_id", incident.category_id) else None
    check_category(category, service)
    if "category_id" in values and category is not None and "kind" not in values \
            and category.kind == "change_request" != incident.kind:
        values["kind"] = "change_request"  # a change request's category makes it one (R36); never the reverse
    if "criticality" in values or "urgent_reason" in values:
        crit = values.get("criticality", incident.criticality)
        # A reason given now is checked as given; a kept one only while the ticket stays urgent.
        kept = incident.urgent_reason if crit == "urgent" else None
        check_urgent_reason(crit, values["urgent_reason"] if "urgent_reason" in values else kept)
        if crit != "urgent":
            values["urgent_reason"] = None
    if not incident.priority_overridden:
        values["priority"] = settings.current().matrix.compute(
            values.get("impact", incident.impact), values.get("urgency", incident.urgency)
        )
    diff = apply_changes(incident, values)
    if diff:
        bump(incident)
        if "kind" in {f for f, _o, _n in diff}:
            change_requests.follow_kind(session, incident)
        journal(session, record_kind=KIND, record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=summary or Message(N_("Fields changed")), diff=named_diff(session, diff),
                record_version=incident.version)
        if {"priority", "criticality"} & {f for f, _o, _n in diff}:
            refresh_due(session, incident)
        feed(session, KIND, incident.id, "updated", actor)  # type: ignore[arg-type]
    return incident


def assign_incident(
    session: Session,
    actor: Person | None,
    incident: Incident,
    *,
    group: WorkGroup | None = None,
    owner: Person | None = None,
    clear_owner: bool = False,
    expected_version: int | None = None,
) -> Incident:
    """Assign to a work group and/or an owner; notifies the new owner, or the group's members."""
    actor = desk_staff(session, actor)
    if clear_owner and owner is not None:
        raise RuleViolation(_("Name an owner or leave it to the group, not both"), field="owner")
    incident = load_for_change(session, incident, expected_version)
    new_group = group or (session.get(WorkGroup, incident.group_id) if incident.group_id else None)
    new_owner = None if clear_owner else owner or (
        session.get(Person, incident.owner_id) if incident.owner_id and group is None else None
    )
    check_assignment(new_group.id if new_group else None, new_owner.id if new_owner else None)
    check_owner(session, new_owner, new_group)
    diff = apply_changes(incident, {
        "group_id": new_group.id if new_group else None,
        "owner_id": new_owner.id if new_owner else None,
    })
    if not diff:
        return incident
    bump(incident)
    journal(session, record_kind=KIND, record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Assigned")), diff=named_diff(session, diff), record_version=incident.version)
    changed = {f for f, _o, _n in diff}
    notify_assignment(session, actor, incident, owner_changed="owner_id" in changed, group_changed="group_id" in changed)
    feed(session, KIND, incident.id, "updated", actor)  # type: ignore[arg-type]
    return incident


def change_priority(
    session: Session,
    actor: Person | None,
    incident: Incident,
    *,
    priority: int,
    justification: str,
    expected_version: int | None = None,
) -> Incident:
    """R20: «Змінити пріоритет» overrides the computed priority; the justification is journaled."""
    actor = desk_staff(session, actor)
    check_override(priority, justification)
    incident = load_for_change(session, incident, expected_version)
    if incident.priority == priority:
        # An override to the same value would say «changed» and change nothing the journal shows.
        raise RuleViolation(_("{number} already has priority {priority}; choose another one to change it").format(
            number=incident.number, priority=priority), field="priority")
    diff = apply_changes(incident, {"priority": priority, "priority_overridden": True})
    if diff:
        bump(incident)
        journal(session, record_kind=KIND, record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("Priority changed")), body=justification.strip(),
                diff=[d for d in diff if d[0] == "priority"], record_version=incident.version)
        refresh_due(session, incident)
        feed(session, KIND, incident.id, "updated", actor)  # type: ignore[arg-type]
    return incident


def classify_incident(session: Session, actor: Person | None, incident: Incident, *, service: Service,
                      category: Category, impact: int, urgency: int, owner: Person,
                      configuration_item: ConfigurationItem | None = None, clear_configuration_item: bool = False,
                      expected_version: int | None = None) -> Incident:
    """R18: classification sets the mandatory fields and the status «Виконується робота»; with
    them, if given, the configuration item the incident is about (R25), or none
    (`clear_configuration_item`); without either the item stays as it is."""
    desk_staff(session, actor)
    if clear_configuration_item and configuration_item is not None:
        raise RuleViolation(_("Name a configuration item or clear it, not both"), field="configuration_item")
    item = {"configuration_item": configuration_item} if configuration_item is not None or clear_configuration_item \
        else {}
    # Which way to go is decided on the row as it is under the lock: the copy the caller holds
    # may be from before someone moved it on (to «Потрібна інформація», say).
    incident = load_for_change(session, incident, expected_version)
    if IncidentStatus(incident.status) is IncidentStatus.IN_PROGRESS:
        incident = update_incident(session, actor, incident, expected_version=expected_version,
                                   summary=Message(N_("Classified")), service=service, category=category,
                                   impact=impact, urgency=urgency, **item)
        if incident.owner_id != owner.id:
            incident = assign_incident(session, actor, incident, owner=owner)
        return incident
    incident = change_status(session, actor, incident, IncidentStatus.IN_PROGRESS, expected_version=expected_version,
                             service=service, category=category, impact=impact, urgency=urgency, owner=owner,
                             configuration_item=configuration_item)
    if clear_configuration_item and incident.configuration_item_id is not None:
        incident = update_incident(session, actor, incident, summary=Message(N_("Classified")),
                                   configuration_item=None)
    return incident
