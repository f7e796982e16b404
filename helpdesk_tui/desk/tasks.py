"""Internal tasks for work groups (R21, R29–R31) and external tasks for vendors (R24)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import notify, request_sla
from helpdesk_tui.desk.admin import groups_of
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
from helpdesk_tui.desk.notes import mark_unread_for_owner
from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.requests import FINAL as REQUEST_FINAL, RequestStatus
from helpdesk_tui.domain.errors import ClosedRecord, PermissionDenied, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.statuses import (
    FINAL,
    TASK_DONE,
    TASK_STATUS_LABELS,
    ExternalTaskStatus,
    IncidentStatus,
    Role,
    TaskStatus,
)
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import ExternalTask, Incident, Person, Service, ServiceRequest, Task, Vendor, WorkGroup
from helpdesk_tui.store.types import utcnow


def _changeable_parent(session: Session, incident_id: int) -> Incident:
    incident = get_for_update(session, Incident, incident_id, what=_("incident"))
    lifecycle.ensure_changeable(IncidentStatus(incident.status), incident.number)
    return incident


def create_task(
    session: Session,
    actor: Person | None,
    incident: Incident,
    *,
    group: WorkGroup,
    short_description: str = "",
    details: str = "",
) -> Task:
    """R21: the owner asks another work group for help; the task goes to that group."""
    actor = desk_staff(session, actor)
    parent = _changeable_parent(session, incident.id)  # type: ignore[arg-type]
    if not group.active:
        raise RuleViolation(_("The work group {group} is not active").format(group=group.name), field="group")
    title = check_text(short_description, "short_description", limit=SHORT_DESCRIPTION_MAX) or parent.short_description
    task = Task(
        number=next_number(session, "task"),
        incident_id=parent.id,
        group_id=group.id,  # type: ignore[arg-type]
        short_description=title,
        details=(details or "").strip(),
        created_by_id=actor.id,
    )
    session.add(task)
    session.flush()
    journal(session, record_kind="task", record_id=task.id, kind="status", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Task created for {group}"), group=group.name), body=task.details,
            status_to=task.status, diff=[("group", None, group.name), ("short_description", None, task.short_description)],
            record_version=1)
    journal(session, record_kind="incident", record_id=parent.id, kind="task", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Task {number} created for {group}"), number=task.number, group=group.name),
            body=task.details)
    members = [m for m in notify.group_members(session, group.id) if m.id != actor.id]  # type: ignore[arg-type]
    notify.queue(session, template="task_to_group", record_kind="task", record_id=task.id,  # type: ignore[arg-type]
                 number=task.number, recipients=members, author=actor,
                 values={"title": task.short_description, "group": group.name, "parent": parent.number,
                         "text": task.details})
    feed(session, "task", task.id, "created", actor)  # type: ignore[arg-type]
    feed(session, "incident", parent.id, "updated", actor)  # type: ignore[arg-type]
    return task


def _ensure_parent_open(session: Session, number: str, incident_id: int | None, request_id: int | None = None) -> None:
    """A task of a closed or cancelled incident changes no more (R26 reaches its tasks), nor one
    of a closed, rejected or cancelled request. The parent is locked first, as its own
    operations do, so a close that cancels its tasks and a task's change wait for each other
    instead of deadlocking."""
    if request_id is not None:
        request = get_for_update(session, ServiceRequest, request_id, what=_("service request"))
        if RequestStatus(request.status) in REQUEST_FINAL:
            raise ClosedRecord(_("{number} belongs to {parent}, which is «{status}»: its tasks can no longer change").format(
                number=number, parent=request.number, status=RequestStatus(request.status).label))
    if incident_id is None:
        return
    parent = get_for_update(session, Incident, incident_id, what=_("incident"))
    status = IncidentStatus(parent.status)
    if status in FINAL:
        raise ClosedRecord(_("{number} belongs to {parent}, which is «{status}»: its tasks can no longer change").format(
            number=number, parent=parent.number, status=status.label))


def _load_task(session: Session, task: Task, expected_version: int | None) -> Task:
    _ensure_parent_open(session, task.number, task.incident_id, task.request_id)
    fresh = get_for_update(session, Task, task.id, what=task.number)  # type: ignore[arg-type]
    if TaskStatus(fresh.status) in TASK_DONE:
        raise RuleViolation(
            _("{number} is already «{status}»").format(number=fresh.number, status=TaskStatus(fresh.status).label)
        )
    check_version(session, fresh, "task", expected_version)
    return fresh


def _may_work_on(session: Session, actor: Person, task: Task) -> None:
    from helpdesk_tui.desk.common import roles_of

    if task.group_id in groups_of(session, actor.id) or Role.ADMIN in roles_of(session, actor):  # type: ignore[arg-type]
        return
    group = session.get(WorkGroup, task.group_id)
    raise PermissionDenied(
        _("{login} is not a member of {group}, to whom {number} belongs").format(
            login=actor.login, group=group.name if group else "?", number=task.number
        )
    )


def move_task(session: Session, actor: Person, task: Task, target: TaskStatus, body: Message | str,
               **fields: object) -> Task:
    old = TaskStatus(task.status)
    diff = apply_changes(task, {"status": target.value, **fields})
    bump(task)
    journal(session, record_kind="task", record_id=task.id, kind="status", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Status: {old} → {new}"), old=Message(TASK_STATUS_LABELS[old]),
                            new=Message(TASK_STATUS_LABELS[target])), body=body,
            diff=[d for d in diff if d[0] not in ("accepted_at", "completed_at")],
            status_from=old.value, status_to=target.value, record_version=task.version)
    if task.incident_id and target in TASK_DONE:
        entry_id = journal(session, record_kind="incident", record_id=task.incident_id, kind="task", author=actor,
                           summary=Message(N_("Task {number}: {status}"), number=task.number,
                                           status=Message(TASK_STATUS_LABELS[target])), body=body)
        mark_unread_for_owner(session, actor, "incident", task.incident_id, entry_id)
        feed(session, "incident", task.incident_id, "updated", actor)
    if task.request_id and target in TASK_DONE:
        entry_id = journal(session, record_kind="service_request", record_id=task.request_id, kind="task", author=actor,
                           summary=Message(N_("Task {number}: {status}"), number=task.number,
                                           status=Message(TASK_STATUS_LABELS[target])), body=body)
        mark_unread_for_owner(session, actor, "service_request", task.request_id, entry_id)
        feed(session, "service_request", task.request_id, "updated", actor)
    feed(session, "task", task.id, "status", actor)  # type: ignore[arg-type]
    return task


def _finish(session: Session, actor: Person, task: Task, target: TaskStatus, body: str, **fields: object) -> Task:
    """Complete or cancel; a request's task moves its sequence on (desk/request_tasks.py)."""
    if task.request_id is None:
        return move_task(session, actor, task, target, body, **fields)
    # request_tasks cancels a cancelled request's tasks through move_task: it imports this module.
    from helpdesk_tui.desk import request_tasks

    request_tasks.before_finishing(session, task)
    move_task(session, actor, task, target, body, **fields)
    request_tasks.after_finishing(session, actor, task)
    return task


def accept_task(session: Session, actor: Person | None, task: Task, *, expected_version: int | None = None) -> Task:
    """R29 «Прийняти»: I become the task's owner."""
    actor = desk_staff(session, actor)
    task = _load_task(session, task, expected_version)
    _may_work_on(session, actor, task)
    if TaskStatus(task.status) is TaskStatus.ACCEPTED and task.owner_id == actor.id:
        return task
    moved = move_task(session, actor, task, TaskStatus.ACCEPTED, "", owner_id=actor.id, accepted_at=utcnow())
    if task.request_id:
        _request_responded(session, task.request_id)
    return moved


def complete_task(session: Session, actor: Person | None, task: Task, *, comment: str,
                  expected_version: int | None = None) -> Task:
    """R29 «Завершено», with a completion comment."""
    actor = desk_staff(session, actor)
    if not (comment or "").strip():
        raise RuleViolation(_("Completing a task needs a comment"), field="comment")
    task = _load_task(session, task, expected_version)
    _may_work_on(session, actor, task)
    return _finish(session, actor, task, TaskStatus.COMPLETED, comment.strip(),
                      completion_comment=comment.strip(), completed_at=utcnow(),
                      owner_id=task.owner_id or actor.id)


def cancel_task(session: Session, actor: Person | None, task: Task, *, reason: str = "",
                expected_version: int | None = None) -> Task:
    """R29 «Скасувати»."""
    actor = desk_staff(session, actor)
    task = _load_task(session, task, expected_version)
    _may_work_on(session, actor, task)
    return _finish(session, actor, task, TaskStatus.CANCELLED, (reason or "").strip(), completed_at=utcnow())


def _request_responded(session: Session, request_id: int) -> None:
    """A request's first task taken up is the desk's response to it (its SLA's first target)."""
    request = session.get(ServiceRequest, request_id)
    if request is not None and request.responded_at is None:
        request.responded_at = utcnow()
        request_sla.refresh_due(session, request)


def create_external_task(
    session: Session,
    actor: Person | None,
    incident: Incident,
    *,
    vendor: Vendor,
    short_description: str,
    details: str = "",
    service: Service | None = None,
    _locked: bool = False,
) -> ExternalTask:
    """R24: «Зовнішнє завдання» for a vendor; the vendor is told by e-mail when it has an address."""
    actor = desk_staff(session, actor)
    parent = incident if _locked else _changeable_parent(session, incident.id)  # type: ignore[arg-type]
    if not (short_description or "").strip():
        raise RuleViolation(_("An external task needs a short description"), field="short_description")
    task = ExternalTask(
        number=next_number(session, "external_task"),
        incident_id=parent.id,  # type: ignore[arg-type]
        vendor_id=vendor.id,  # type: ignore[arg-type]
        service_id=(service.id if service else parent.service_id),
        short_description=check_text(short_description, "short_description", limit=SHORT_DESCRIPTION_MAX),
        details=(details or "").strip(),
        created_by_id=actor.id,
    )
    session.add(task)
    session.flush()
    journal(session, record_kind="incident", record_id=parent.id, kind="task", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("External task {number} for {vendor}"), number=task.number, vendor=vendor.name),
            body=f"{task.short_description}\n\n{task.details}".strip())
    notify.queue(session, template="vendor_handoff", record_kind="incident", record_id=parent.id,  # type: ignore[arg-type]
                 number=parent.number, recipients=[vendor], author=actor,
                 values={"vendor": vendor.name, "title": task.short_description, "text": task.details})
    feed(session, "external_task", task.id, "created", actor)  # type: ignore[arg-type]
    feed(session, "incident", parent.id, "updated", actor)  # type: ignore[arg-type]
    return task


def complete_external_task(session: Session, actor: Person | None, task: ExternalTask, *, vendor_answer: str,
                           _locked: bool = False) -> ExternalTask:
    """R24: record the vendor's answer and mark the external task «Завершено»."""
    actor = desk_staff(session, actor)
    if not (vendor_answer or "").strip():
        raise RuleViolation(_("Record the vendor's answer"), field="vendor_answer")
    if not _locked:  # the incident first, then its task: the order every operation locks in
        _ensure_parent_open(session, task.number, task.incident_id)
    task = get_for_update(session, ExternalTask, task.id, what=task.number)  # type: ignore[arg-type]
    if task.status != ExternalTaskStatus.OPEN.value:
        raise RuleViolation(_("{number} is not open").format(number=task.number))
    diff = apply_changes(task, {"status": ExternalTaskStatus.COMPLETED.value, "vendor_answer": vendor_answer.strip(),
                                "completed_at": utcnow()})
    bump(task)
    journal(session, record_kind="incident", record_id=task.incident_id, kind="task", author=actor,
            summary=Message(N_("External task {number} completed"), number=task.number), body=vendor_answer.strip(),
            diff=[d for d in diff if d[0] == "status"])
    feed(session, "external_task", task.id, "status", actor)  # type: ignore[arg-type]
    return task


def open_tasks(session: Session, incident: Incident) -> tuple[list[Task], list[ExternalTask]]:
    """The incident's tasks and vendors' tasks still open, locked (the incident is already)."""
    internal = session.execute(
        select(Task).where(Task.incident_id == incident.id,
                           Task.status.in_([TaskStatus.OPEN.value, TaskStatus.ACCEPTED.value]))
        .order_by(Task.id).with_for_update().execution_options(populate_existing=True)).scalars()
    external = session.execute(
        select(ExternalTask).where(ExternalTask.incident_id == incident.id,
                                   ExternalTask.status == ExternalTaskStatus.OPEN.value)
        .order_by(ExternalTask.id).with_for_update().execution_options(populate_existing=True)).scalars()
    return list(internal), list(external)


def cancel_open_tasks(session: Session, actor: Person, incident: Incident, *, reason: Message | str) -> list[str]:
    """Closing or cancelling an incident cancels what is still open under it, in the same
    transaction, whoever's group the task is in (the incident's decision); their numbers."""
    internal, external = open_tasks(session, incident)
    for task in internal:
        move_task(session, actor, task, TaskStatus.CANCELLED, reason, completed_at=utcnow())
    for vendor_task in external:
        diff = apply_changes(vendor_task, {"status": ExternalTaskStatus.CANCELLED.value, "completed_at": utcnow()})
        bump(vendor_task)
        journal(session, record_kind="incident", record_id=incident.id, kind="task", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("External task {number} cancelled"), number=vendor_task.number), body=reason,
                diff=[d for d in diff if d[0] == "status"])
        feed(session, "external_task", vendor_task.id, "status", actor)  # type: ignore[arg-type]
    return [t.number for t in internal] + [t.number for t in external]


def comment_task(session: Session, actor: Person | None, task: Task, *, text: str) -> int:
    """A comment on a task (R29): journaled on the task for its owner, and on the parent
    incident for the incident's owner, each marked unread for them (R16). Any analyst may
    comment, while the task is open; the id of the task's entry."""
    actor = desk_staff(session, actor)
    text = check_text(text, "comment", required=True, limit=COMMENT_MAX)
    task = _load_task(session, task, None)
    entry_id = journal(session, record_kind="task", record_id=task.id, kind="note", author=actor,  # type: ignore[arg-type]
                       summary=Message(N_("Comment")), body=text)
    mark_unread_for_owner(session, actor, "task", task.id, entry_id)  # type: ignore[arg-type]
    if task.incident_id:
        parent_entry = journal(session, record_kind="incident", record_id=task.incident_id, kind="task", author=actor,
                               summary=Message(N_("Comment on {number}"), number=task.number), body=text)
        mark_unread_for_owner(session, actor, "incident", task.incident_id, parent_entry)
        feed(session, "incident", task.incident_id, "updated", actor)
    if task.request_id:  # R32: the request's owner sees a comment on one of its tasks
        parent_entry = journal(session, record_kind="service_request", record_id=task.request_id, kind="task",
                               author=actor, summary=Message(N_("Comment on {number}"), number=task.number), body=text)
        mark_unread_for_owner(session, actor, "service_request", task.request_id, parent_entry)
        feed(session, "service_request", task.request_id, "updated", actor)
    task.updated_at = utcnow()
    feed(session, "task", task.id, "note", actor)  # type: ignore[arg-type]
    return entry_id


COMMENT_MAX = 20_000
