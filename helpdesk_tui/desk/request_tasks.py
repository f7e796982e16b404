"""A service request's tasks (R29, R30): the item's sequence, stage by stage, and tasks by hand.

Each stage's tasks are made together, for their work groups; the next stage starts when every
task of the stage is completed or cancelled; the last stage done makes the request
«Реалізовано». Tasks made by hand do not join the sequence, and must be finished before the
last automatic task completes: completing it is refused while one is open, naming them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import notify
from helpdesk_tui.desk.catalog import ItemInfo
from helpdesk_tui.desk.request_records import implement, load_for_change, move, template_values
from helpdesk_tui.desk.common import SHORT_DESCRIPTION_MAX, check_text, desk_staff, feed, journal, next_number
from helpdesk_tui.domain import requests as rules
from helpdesk_tui.domain.catalog import fill_template
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.domain.statuses import TaskStatus
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import CatalogItem, Person, ServiceRequest, Task, WorkGroup
from helpdesk_tui.store.types import utcnow

OPEN = (TaskStatus.OPEN.value, TaskStatus.ACCEPTED.value)


def _make(session: Session, actor: Person | None, request: ServiceRequest, *, group: WorkGroup, title: str,
          details: str, automatic: bool, stage: int | None) -> Task:
    task = Task(number=next_number(session, "task"), request_id=request.id, group_id=group.id,  # type: ignore[arg-type]
                short_description=check_text(title, "short_description", required=True, limit=SHORT_DESCRIPTION_MAX),
                details=(details or "").strip(), automatic=automatic, sequence=stage,
                created_by_id=actor.id if actor else None)
    session.add(task)
    session.flush()
    journal(session, record_kind="task", record_id=task.id, kind="status", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Task created for {group}"), group=group.name), body=task.details,
            status_to=task.status, diff=[("group", None, group.name), ("short_description", None, task.short_description)],
            record_version=1)
    journal(session, record_kind="service_request", record_id=request.id, kind="task", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Task {number} created for {group}"), number=task.number, group=group.name),
            body=task.short_description)
    members = [m for m in notify.group_members(session, group.id) if actor is None or m.id != actor.id]  # type: ignore[arg-type]
    notify.queue(session, template="task_to_group", record_kind="task", record_id=task.id,  # type: ignore[arg-type]
                 number=task.number, recipients=members, author=actor,
                 values={"title": task.short_description, "group": group.name, "parent": request.number,
                         "text": task.details})
    feed(session, "task", task.id, "created", actor)  # type: ignore[arg-type]
    return task


def start_stage(session: Session, actor: Person | None, request: ServiceRequest, row: CatalogItem, stage: int) -> list[Task]:
    """The tasks of stage `stage` (0-based), their short descriptions filled from the fields."""
    values = template_values(session, request, ItemInfo.of(row))
    made = []
    for spec in row.stages[stage]:
        group = session.get(WorkGroup, spec["group_id"])
        made.append(_make(session, actor, request, group=group, title=fill_template(spec["short_description"], values),  # type: ignore[arg-type]
                          details=fill_template(spec.get("details", ""), values), automatic=True, stage=stage + 1))
    return made


def start_work(session: Session, actor: Person | None, request: ServiceRequest, row: CatalogItem | None) -> None:
    """«В роботі», with the first stage's tasks when the item has a sequence."""
    move(session, actor, request, S.IN_PROGRESS, "")
    if row is not None and row.stages:
        start_stage(session, actor, request, row, 0)


def _tasks(session: Session, request_id: int) -> list[Task]:
    return list(session.execute(select(Task).where(Task.request_id == request_id).order_by(Task.id)).scalars())


def open_handmade(session: Session, request_id: int, *, besides: int | None = None) -> list[str]:
    return [t.number for t in _tasks(session, request_id)
            if not t.automatic and t.status in OPEN and t.id != besides]


def _finishes_sequence(session: Session, task: Task, request: ServiceRequest) -> bool:
    """Whether finishing `task` finishes the last stage of the request's sequence."""
    row = session.get(CatalogItem, request.catalog_item_id) if request.catalog_item_id else None
    if not task.automatic or row is None or task.sequence != len(row.stages):
        return False
    others = [t.status for t in _tasks(session, request.id) if t.automatic and t.sequence == task.sequence  # type: ignore[arg-type]
              and t.id != task.id]
    return all(s in rules.TASK_FINISHED for s in others)


def before_finishing(session: Session, task: Task) -> ServiceRequest:
    """Called with the request locked, before a task of it completes or is cancelled: R30."""
    request = session.get(ServiceRequest, task.request_id)
    rules.handmade_blocking(_finishes_sequence(session, task, request), open_handmade(session, request.id))  # type: ignore[arg-type]
    return request  # type: ignore[return-value]


def after_finishing(session: Session, actor: Person | None, task: Task) -> None:
    """A task of the request is done: the next stage starts, or the request is implemented."""
    request = session.get(ServiceRequest, task.request_id)
    if not task.automatic or request is None or S(request.status) is not S.IN_PROGRESS:
        return
    row = session.get(CatalogItem, request.catalog_item_id) if request.catalog_item_id else None
    if row is None:
        return
    stage = [t.status for t in _tasks(session, request.id) if t.automatic and t.sequence == task.sequence]  # type: ignore[arg-type]
    if not rules.stage_finished(stage):
        return
    if task.sequence is not None and task.sequence < len(row.stages):
        start_stage(session, actor, request, row, task.sequence)
        return
    summary = "\n".join(f"{t.number}: {t.completion_comment}" for t in _tasks(session, request.id)  # type: ignore[arg-type]
                        if t.completion_comment)
    implement(session, actor, request, summary)


def add_task(session: Session, actor: Person | None, request: ServiceRequest, *, group: WorkGroup,
             short_description: str, details: str = "") -> Task:
    """R30: a task by hand, outside the sequence («Завдання» → «Новий»)."""
    actor = desk_staff(session, actor)
    request = load_for_change(session, request)
    if not group.active:
        raise RuleViolation(_("The work group {group} is not active").format(group=group.name), field="group")
    if not (details or "").strip():
        raise RuleViolation(_("A task made by hand needs its details"), field="details")
    task = _make(session, actor, request, group=group, title=short_description, details=details, automatic=False,
                 stage=None)
    feed(session, "service_request", request.id, "updated", actor)  # type: ignore[arg-type]
    return task


def ensure_all_done(session: Session, request: ServiceRequest) -> None:
    still = [t.number for t in _tasks(session, request.id) if t.status in OPEN]  # type: ignore[arg-type]
    if still:
        raise RuleViolation(_("{number} still has open tasks: {numbers}").format(
            number=request.number, numbers=", ".join(still)))


def cancel_open(session: Session, actor: Person, request: ServiceRequest, *, reason: str) -> list[str]:
    """A cancelled request cancels what is still open under it, in the same transaction."""
    from helpdesk_tui.desk.tasks import move_task  # tasks.py imports this module


    numbers = []
    for task in session.execute(select(Task).where(Task.request_id == request.id, Task.status.in_(OPEN))
                                .order_by(Task.id).with_for_update()).scalars():
        move_task(session, actor, task, TaskStatus.CANCELLED, reason, completed_at=utcnow())
        numbers.append(task.number)
    return numbers


def tasks_of(session: Session, request_id: int) -> list[Task]:
    return _tasks(session, request_id)
