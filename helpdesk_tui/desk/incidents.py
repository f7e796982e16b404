"""The incident lifecycle (R3, R5, R18–R26): register, classify, assign, move, resolve, close.

Every operation refuses a closed incident (R26), checks the caller's version (R43), writes the
journal with the field diffs (R42), queues notifications (R5) and appends to the change feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import notify, settings
from helpdesk_tui.desk.sla import refresh_due
from helpdesk_tui.desk.common import (
    SHORT_DESCRIPTION_MAX,
    apply_changes,
    bump,
    check_text,
    check_version,
    desk_staff,
    feed,
    get_for_update,
    journal,
    next_number,
)
from helpdesk_tui.desk.admin import groups_of
from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.priority import check_level, check_override
from helpdesk_tui.domain.sla import StatusChange, check_urgent_reason
from helpdesk_tui.domain.statuses import Channel, ExternalTaskStatus, IncidentStatus, ReasonCode
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import (
    Category,
    ConfigurationItem,
    ExternalTask,
    Incident,
    Person,
    Service,
    Vendor,
    WorkGroup,
)
from helpdesk_tui.store.rows import new_row, write_row
from helpdesk_tui.store.types import utcnow

KIND = "incident"


@dataclass
class VendorHandoff:
    """What «Передано третій стороні» needs when no external task is open yet (R24)."""

    vendor: Vendor
    short_description: str
    details: str = ""
    service: Service | None = None


def _check_owner(session: Session, owner: Person | None, group: WorkGroup | None) -> None:
    if owner is None:
        return
    if not owner.active:
        raise RuleViolation(_("{name} is not active and cannot own records").format(name=owner.full_name), field="owner")
    if group is not None and group.id not in groups_of(session, owner.id):  # type: ignore[arg-type]
        raise RuleViolation(
            _("{name} is not a member of the work group {group}").format(name=owner.full_name, group=group.name),
            field="owner",
        )


def _check_category(category: Category | None, service: Service | None) -> None:
    if category is not None and service is not None and category.service_id not in (None, service.id):
        raise RuleViolation(
            _("The category «{category}» does not belong to the service «{service}»").format(
                category=category.name, service=service.name
            ),
            field="category",
        )


def _load(session: Session, incident: Incident, expected_version: int | None) -> Incident:
    """The incident, locked for this transaction, changeable and not stale."""
    fresh = get_for_update(session, Incident, incident.id, what=incident.number)  # type: ignore[arg-type]
    lifecycle.ensure_changeable(IncidentStatus(fresh.status), fresh.number)
    check_version(session, fresh, KIND, expected_version)
    return fresh


def _notify_assignment(session: Session, actor: Person | None, incident: Incident, *, owner_changed: bool,
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
) -> Incident:
    """R3: a new incident, usually while the caller is on the phone; R37: with its channel."""
    actor = desk_staff(session, actor)
    check_urgent_reason(criticality, urgent_reason)
    short_description = check_text(short_description, "short_description", required=True, limit=SHORT_DESCRIPTION_MAX)
    if caller is not None and not caller.active:
        raise RuleViolation(_("{name} is not active").format(name=caller.full_name), field="caller")
    if group is None and service is not None and service.default_group_id:
        group = session.get(WorkGroup, service.default_group_id)
    _check_owner(session, owner, group)
    _check_category(category, service)
    for name, level in (("impact", impact), ("urgency", urgency)):
        if level is not None:
            check_level(name, level)
    incident = new_row(
        Incident,
        number=next_number(session, "incident"),
        caller_id=caller.id if caller else None,
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
            summary=_("Incident registered"), body=incident.description, diff=initial,
            status_to=incident.status, record_version=incident.version)
    if caller is not None:
        notify.queue(session, template="registered", record_kind=KIND, record_id=incident.id,  # type: ignore[arg-type]
                     number=incident.number, recipients=[caller], author=actor,
                     values=notify.incident_values(session, incident))
    _notify_assignment(session, actor, incident, owner_changed=owner is not None, group_changed=group is not None)
    feed(session, KIND, incident.id, "created", actor)  # type: ignore[arg-type]
    return incident


def _named_diff(session: Session, diff: list[tuple[str, str | None, str | None]]) -> list[tuple[str, str | None, str | None]]:
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


def update_incident(
    session: Session,
    actor: Person | None,
    incident: Incident,
    *,
    expected_version: int | None = None,
    summary: str | None = None,
    **changes: Any,
) -> Incident:
    """Change fields (short description, description, service, category, impact, urgency,
    channel, configuration item); the priority follows impact and urgency unless overridden."""
    actor = desk_staff(session, actor)
    incident = _load(session, incident, expected_version)
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
        else:
            raise RuleViolation(_("{field} cannot be changed here").format(field=name), field=name)
    service = session.get(Service, values.get("service_id", incident.service_id)) if values.get("service_id", incident.service_id) else None
    category = session.get(Category, values.get("category_id", incident.category_id)) if values.get("category_id", incident.category_id) else None
    _check_category(category, service)
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
        journal(session, record_kind=KIND, record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=summary or _("Fields changed"), diff=_named_diff(session, diff), record_version=incident.version)
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
    incident = _load(session, incident, expected_version)
    new_group = group or (session.get(WorkGroup, incident.group_id) if incident.group_id else None)
    new_owner = None if clear_owner else owner or (
        session.get(Person, incident.owner_id) if incident.owner_id and group is None else None
    )
    _check_owner(session, new_owner, new_group)
    diff = apply_changes(incident, {
        "group_id": new_group.id if new_group else None,
        "owner_id": new_owner.id if new_owner else None,
    })
    if not diff:
        return incident
    bump(incident)
    journal(session, record_kind=KIND, record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=_("Assigned"), diff=_named_diff(session, diff), record_version=incident.version)
    changed = {f for f, _o, _n in diff}
    _notify_assignment(session, actor, incident, owner_changed="owner_id" in changed, group_changed="group_id" in changed)
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
    incident = _load(session, incident, expected_version)
    diff = apply_changes(incident, {"priority": priority, "priority_overridden": True})
    if diff:
        bump(incident)
        journal(session, record_kind=KIND, record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=_("Priority changed"), body=justification.strip(),
                diff=[d for d in diff if d[0] == "priority"], record_version=incident.version)
        refresh_due(session, incident)
        feed(session, KIND, incident.id, "updated", actor)  # type: ignore[arg-type]
    return incident


def _open_external_tasks(session: Session, incident: Incident) -> list[ExternalTask]:
    stmt = select(ExternalTask).where(
        ExternalTask.incident_id == incident.id, ExternalTask.status == ExternalTaskStatus.OPEN.value
    )
    return list(session.execute(stmt).scalars())


def change_status(
    session: Session,
    actor: Person | None,
    incident: Incident,
    target: IncidentStatus,
    *,
    expected_version: int | None = None,
    question: str | None = None,
    answer: str | None = None,
    handoff: VendorHandoff | None = None,
    vendor_answer: str | None = None,
    solution: str | None = None,
    reason_code: ReasonCode | str | None = None,
    configuration_item: ConfigurationItem | None = None,
    reason: str | None = None,
    service: Service | None = None,
    category: Category | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    owner: Person | None = None,
) -> Incident:
    """Move an incident to another status with the data that status needs (R18, R22, R24–R26)."""
    from helpdesk_tui.desk import tasks  # tasks also builds on this module

    actor = desk_staff(session, actor)
    incident = _load(session, incident, expected_version)
    current = IncidentStatus(incident.status)
    target = IncidentStatus(target)
    changes: dict[str, Any] = {"status": target.value}
    body = ""
    published = False
    data: dict[str, Any] = {
        "question": question,
        "answer": answer,
        "vendor_answer": vendor_answer,
        "solution": solution,
        "reason_code": reason_code,
        "reason": reason,
    }
    if target is IncidentStatus.IN_PROGRESS:
        classification = {
            "service_id": service.id if service else incident.service_id,
            "category_id": category.id if category else incident.category_id,
            "impact": impact if impact is not None else incident.impact,
            "urgency": urgency if urgency is not None else incident.urgency,
            "owner_id": owner.id if owner else incident.owner_id,
        }
        data.update({
            "service": classification["service_id"], "category": classification["category_id"],
            "impact": classification["impact"], "urgency": classification["urgency"],
            "owner": classification["owner_id"],
        })
        lifecycle.check_transition(current, target, data, number=incident.number)
        for name in ("impact", "urgency"):
            check_level(name, classification[name])
        group = session.get(WorkGroup, incident.group_id) if incident.group_id else None
        new_owner = session.get(Person, classification["owner_id"])
        _check_owner(session, new_owner, group)
        _check_category(session.get(Category, classification["category_id"]), session.get(Service, classification["service_id"]))
        changes.update(classification)
        if not incident.priority_overridden:
            changes["priority"] = settings.current().matrix.compute(classification["impact"], classification["urgency"])
        changes["waiting_on"] = "desk"
    elif target is IncidentStatus.THIRD_PARTY:
        open_tasks = _open_external_tasks(session, incident)
        data["external_task"] = True if (open_tasks or handoff) else None
        lifecycle.check_transition(current, target, data, number=incident.number)
        if not open_tasks and handoff is not None:
            tasks.create_external_task(session, actor, incident, vendor=handoff.vendor, service=handoff.service,
                                       short_description=handoff.short_description, details=handoff.details,
                                       _locked=True)
        changes["waiting_on"] = "vendor"
    else:
        lifecycle.check_transition(current, target, data, number=incident.number)
    now = utcnow()
    if target is IncidentStatus.INFO_NEEDED:
        body, published = question.strip(), True  # type: ignore[union-attr]
        changes["waiting_on"] = "caller"
    elif target is IncidentStatus.INFO_PROVIDED:
        body, published = answer.strip(), True  # type: ignore[union-attr]
        changes["waiting_on"] = "desk"
    elif target is IncidentStatus.FROM_THIRD_PARTY:
        body = vendor_answer.strip()  # type: ignore[union-attr]
        for task in _open_external_tasks(session, incident):
            tasks.complete_external_task(session, actor, task, vendor_answer=body, _locked=True)
        changes["waiting_on"] = "desk"
    elif target is IncidentStatus.RESOLVED:
        try:
            code = ReasonCode(reason_code)
        except ValueError:
            raise RuleViolation(
                _("Unknown reason code «{code}»; choose one of: {codes}").format(
                    code=reason_code, codes=", ".join(c.value for c in ReasonCode)
                ),
                field="reason_code",
            ) from None
        body, published = solution.strip(), True  # type: ignore[union-attr]
        changes.update({
            "solution": body, "reason_code": code.value, "resolved_at": now, "waiting_on": "caller",
            "configuration_item_id": configuration_item.id if configuration_item else incident.configuration_item_id,
        })
    elif target is IncidentStatus.CLOSED:
        changes.update({"closed_at": now, "waiting_on": "nobody"})
    elif target is IncidentStatus.REOPENED:
        body = reason.strip()  # type: ignore[union-attr]
        changes.update({"resolved_at": None, "waiting_on": "desk"})
    elif target is IncidentStatus.CANCELLED:
        body = reason.strip()  # type: ignore[union-attr]
        changes.update({"closed_at": now, "waiting_on": "nobody"})
    if published and incident.responded_at is None:
        # The response target is met by the first thing the caller sees (issue 3's SLA rules).
        changes["responded_at"] = now
    diff = apply_changes(incident, changes)
    bump(incident)
    journal(session, record_kind=KIND, record_id=incident.id, kind="status", author=actor,  # type: ignore[arg-type]
            summary=_("Status: {old} → {new}").format(old=current.label, new=target.label), body=body,
            published=published, diff=_named_diff(session, diff), status_from=current.value,
            status_to=target.value, record_version=incident.version)
    refresh_due(session, incident)
    caller = session.get(Person, incident.caller_id) if incident.caller_id else None
    values = notify.incident_values(session, incident, text=body)
    if target is IncidentStatus.INFO_NEEDED and caller is not None:
        notify.queue(session, template="question", record_kind=KIND, record_id=incident.id,  # type: ignore[arg-type]
                     number=incident.number, recipients=[caller], author=actor, values=values)
    elif target is IncidentStatus.RESOLVED and caller is not None:
        notify.queue(session, template="resolved", record_kind=KIND, record_id=incident.id,  # type: ignore[arg-type]
                     number=incident.number, recipients=[caller], author=actor, values=values)
    if "owner_id" in {f for f, _o, _n in diff}:
        _notify_assignment(session, actor, incident, owner_changed=True, group_changed=False)
    feed(session, KIND, incident.id, "status", actor)  # type: ignore[arg-type]
    return incident


def classify_incident(session: Session, actor: Person | None, incident: Incident, *, service: Service,
                      category: Category, impact: int, urgency: int, owner: Person,
                      expected_version: int | None = None) -> Incident:
    """R18: classification sets the mandatory fields and the status «Виконується робота»."""
    if IncidentStatus(incident.status) is IncidentStatus.IN_PROGRESS:
        incident = update_incident(session, actor, incident, expected_version=expected_version,
                                   summary=_("Classified"), service=service, category=category,
                                   impact=impact, urgency=urgency)
        if incident.owner_id != owner.id:
            incident = assign_incident(session, actor, incident, owner=owner)
        return incident
    return change_status(session, actor, incident, IncidentStatus.IN_PROGRESS, expected_version=expected_version,
                         service=service, category=category, impact=impact, urgency=urgency, owner=owner)


def resolve_incident(session: Session, actor: Person | None, incident: Incident, *, solution: str,
                     reason_code: ReasonCode | str, configuration_item: ConfigurationItem | None = None,
                     expected_version: int | None = None) -> Incident:
    return change_status(session, actor, incident, IncidentStatus.RESOLVED, expected_version=expected_version,
                         solution=solution, reason_code=reason_code, configuration_item=configuration_item)


def close_incident(session: Session, actor: Person | None, incident: Incident, *,
                   expected_version: int | None = None) -> Incident:
    return change_status(session, actor, incident, IncidentStatus.CLOSED, expected_version=expected_version)


def reopen_incident(session: Session, actor: Person | None, incident: Incident, *, reason: str,
                    expected_version: int | None = None) -> Incident:
    return change_status(session, actor, incident, IncidentStatus.REOPENED, expected_version=expected_version,
                         reason=reason)


def cancel_incident(session: Session, actor: Person | None, incident: Incident, *, reason: str,
                    expected_version: int | None = None) -> Incident:
    return change_status(session, actor, incident, IncidentStatus.CANCELLED, expected_version=expected_version,
                         reason=reason)
