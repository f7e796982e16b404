"""Moving an incident through its lifecycle (R18, R22, R24–R26): the status change with what
each status needs, and what it does to the incident's tasks (closing or cancelling cancels the
open ones; resolving with open ones is asked first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import change_requests, notify, settings
from helpdesk_tui.desk.common import apply_changes, bump, desk_staff, feed, journal
from helpdesk_tui.desk.incident_rules import (
    KIND,
    check_category,
    check_owner,
    load_for_change,
    named_diff,
    notify_assignment,
)
from helpdesk_tui.desk.sla import refresh_due
from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.errors import OpenTasks, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.priority import check_level
from helpdesk_tui.domain.statuses import INCIDENT_STATUS_LABELS, ExternalTaskStatus, IncidentStatus, ReasonCode
from helpdesk_tui.i18n import N_, _
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
from helpdesk_tui.store.types import utcnow


@dataclass
class VendorHandoff:
    """What «Передано третій стороні» needs when no external task is open yet (R24)."""

    vendor: Vendor
    short_description: str
    details: str = ""
    service: Service | None = None


@dataclass
class Effects:
    """What a status change did besides the status, for the entry point to say (pass one in)."""

    cancelled_tasks: list[str] = field(default_factory=list)


def _open_external_tasks(session: Session, incident: Incident) -> list[ExternalTask]:
    stmt = select(ExternalTask).where(
        ExternalTask.incident_id == incident.id, ExternalTask.status == ExternalTaskStatus.OPEN.value
    )
    return list(session.execute(stmt).scalars())


def _check_open_tasks(session: Session, incident: Incident, confirmed: bool | None) -> None:
    from helpdesk_tui.desk import tasks

    if confirmed is None:
        raise TypeError("resolving needs resolve_with_open_tasks: the entry point asks whether open tasks may stay open")
    internal, external = tasks.open_tasks(session, incident)
    numbers = [t.number for t in internal] + [t.number for t in external]
    if numbers and not confirmed:
        raise OpenTasks(_("{number} still has open tasks: {tasks}").format(number=incident.number,
                                                                          tasks=", ".join(numbers)), numbers)


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
    resolve_with_open_tasks: bool | None = None,
    effects: Effects | None = None,
) -> Incident:
    """Move an incident to another status with the data that status needs (R18, R22, R24–R26).

    Closing or cancelling cancels the incident's open tasks with it (their numbers go into
    `effects`). Resolving while tasks are open needs `resolve_with_open_tasks`: every entry
    point must decide (ask the person), so leaving it out is a mistake in the caller, and
    False refuses with OpenTasks when there are any."""
    from helpdesk_tui.desk import tasks  # tasks also builds on this module

    actor = desk_staff(session, actor)
    incident = load_for_change(session, incident, expected_version)
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
        check_owner(session, new_owner, group)
        chosen = session.get(Category, classification["category_id"]) if classification["category_id"] else None
        check_category(chosen, session.get(Service, classification["service_id"]))
        changes.update(classification)
        if configuration_item is not None:  # what it is about, named while classifying (R25)
            changes["configuration_item_id"] = configuration_item.id
        if category is not None and category.kind == "change_request" != incident.kind:
            # A change request's category makes it one; the owner chosen now keeps the ticket
            # (set_kind routes to development). An incident's category never undoes a change
            # request silently: that is set_kind's, said in the journal.
            changes["kind"] = "change_request"
        change_requests.check_may_start(incident, changes.get("kind", incident.kind))
        if not incident.priority_overridden:
            changes["priority"] = settings.current().matrix.compute(classification["impact"], classification["urgency"])
    elif target is IncidentStatus.THIRD_PARTY:
        open_tasks = _open_external_tasks(session, incident)
        data["external_task"] = True if (open_tasks or handoff) else None
        lifecycle.check_transition(current, target, data, number=incident.number)
        if not open_tasks and handoff is not None:
            tasks.create_external_task(session, actor, incident, vendor=handoff.vendor, service=handoff.service,
                                       short_description=handoff.short_description, details=handoff.details,
                                       _locked=True)
    else:
        lifecycle.check_transition(current, target, data, number=incident.number)
    if target is IncidentStatus.RESOLVED:
        _check_open_tasks(session, incident, resolve_with_open_tasks)
    elif target in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
        if target is IncidentStatus.CANCELLED:
            reason_text = Message(N_("Cancelled with {number}: {reason}"), number=incident.number,
                                  reason=(reason or "").strip())
        else:
            reason_text = Message(N_("Cancelled: {number} was closed"), number=incident.number)
        cancelled = tasks.cancel_open_tasks(session, actor, incident, reason=reason_text)
        if effects is not None:
            effects.cancelled_tasks.extend(cancelled)
    now = utcnow()
    # R40: whose turn follows the messages between the client and the desk (domain/turn.py): a
    # question or a solution is ours, an answer theirs, a reopening their «not solved»; the
    # other moves (classifying, a vendor's hand-off or answer) write nobody a message.
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
    if "kind" in {name for name, _o, _n in diff}:
        change_requests.follow_kind(session, incident)
    journal(session, record_kind=KIND, record_id=incident.id, kind="status", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Status: {old} → {new}"), old=Message(INCIDENT_STATUS_LABELS[current]),
                            new=Message(INCIDENT_STATUS_LABELS[target])), body=body,
            published=published, diff=named_diff(session, diff), status_from=current.value,
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
        notify_assignment(session, actor, incident, owner_changed=True, group_changed=False)
    feed(session, KIND, incident.id, "status", actor)  # type: ignore[arg-type]
    return incident


def resolve_incident(session: Session, actor: Person | None, incident: Incident, *, solution: str,
                     reason_code: ReasonCode | str, resolve_with_open_tasks: bool,
                     configuration_item: ConfigurationItem | None = None,
                     expected_version: int | None = None) -> Incident:
    return change_status(session, actor, incident, IncidentStatus.RESOLVED, expected_version=expected_version,
                         solution=solution, reason_code=reason_code, configuration_item=configuration_item,
                         resolve_with_open_tasks=resolve_with_open_tasks)


def close_incident(session: Session, actor: Person | None, incident: Incident, *,
                   expected_version: int | None = None, effects: Effects | None = None) -> Incident:
    return change_status(session, actor, incident, IncidentStatus.CLOSED, expected_version=expected_version,
                         effects=effects)


def reopen_incident(session: Session, actor: Person | None, incident: Incident, *, reason: str,
                    expected_version: int | None = None) -> Incident:
    return change_status(session, actor, incident, IncidentStatus.REOPENED, expected_version=expected_version,
                         reason=reason)


def cancel_incident(session: Session, actor: Person | None, incident: Incident, *, reason: str,
                    expected_version: int | None = None, effects: Effects | None = None) -> Incident:
    return change_status(session, actor, incident, IncidentStatus.CANCELLED, expected_version=expected_version,
                         reason=reason, effects=effects)
