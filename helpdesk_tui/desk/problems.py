"""Problems (issue 19): the cause behind one or more incidents, registered on its own or from an
incident, analysed to a root cause and a workaround (a known error), resolved with a solution
that can resolve its open incidents in the same transaction, and closed. The lifecycle itself is
in domain/problem_status.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import incident_status
from helpdesk_tui.desk.common import (
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
from helpdesk_tui.desk.incident_rules import check_owner, named_diff
from helpdesk_tui.desk.notes import link_records
from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.errors import DeskError, NotFound, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.problem_status import (
    OPEN,
    PROBLEM_STATUS_LABELS,
    REQUIRED_FOR,
    ProblemStatus,
    check_transition,
    ensure_changeable,
    field_label,
)
from helpdesk_tui.domain.statuses import IncidentStatus, ReasonCode
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import ConfigurationItem, Incident, Person, Problem, RecordLink, Service, WorkGroup
from helpdesk_tui.store.types import utcnow

KIND = "problem"
SHORT_MAX = 200
TEXT_MAX = 100_000
LIST_LIMIT = 1000
# Incidents a problem's resolution leaves alone: done already, or never to be changed again.
_SETTLED = frozenset({IncidentStatus.RESOLVED, IncidentStatus.CLOSED, IncidentStatus.CANCELLED})


@dataclass
class Resolution:
    """What resolving a problem did to its incidents, for the entry point to say."""

    problem: Problem
    resolved: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (number, status label)


def _ids(values: dict[str, Any], service: Service | None, item: ConfigurationItem | None,
         group: WorkGroup | None, owner: Person | None) -> None:
    for name, record in (("service_id", service), ("configuration_item_id", item), ("group_id", group),
                         ("owner_id", owner)):
        values[name] = record.id if record is not None else None


def register_problem(session: Session, actor: Person | None, *, short_description: str, description: str = "",
                     workaround: str = "", root_cause: str = "", service: Service | None = None,
                     configuration_item: ConfigurationItem | None = None, group: WorkGroup | None = None,
                     owner: Person | None = None, incident: Incident | None = None) -> Problem:
    """A new problem, «Зареєстровано»; from an incident, the incident is linked to it (and the
    service and configuration item default to the incident's)."""
    actor = desk_staff(session, actor)
    short = check_text(short_description, "short_description", required=True, limit=SHORT_MAX)
    if incident is not None:
        service = service or (session.get(Service, incident.service_id) if incident.service_id else None)
        if configuration_item is None and incident.configuration_item_id:
            configuration_item = session.get(ConfigurationItem, incident.configuration_item_id)
    check_owner(session, owner, group)
    values: dict[str, Any] = {}
    _ids(values, service, configuration_item, group, owner)
    problem = Problem(number=next_number(session, KIND), short_description=short,
                      description=check_text(description, "description", limit=TEXT_MAX),
                      workaround=check_text(workaround, "workaround", limit=TEXT_MAX),
                      root_cause=check_text(root_cause, "root_cause", limit=TEXT_MAX),
                      status=ProblemStatus.REGISTERED.value, updated_at=utcnow(), **values)
    session.add(problem)
    session.flush()
    diff = [("short_description", None, short), ("status", None, problem.status)]
    journal(session, record_kind=KIND, record_id=problem.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Problem registered")), diff=diff, record_version=1)
    feed(session, KIND, problem.id, "created", actor)  # type: ignore[arg-type]
    if incident is not None:
        link_incident(session, actor, problem, incident)
    return problem


def _load(session: Session, problem: Problem | int, expected_version: int | None) -> Problem:
    problem_id = problem if isinstance(problem, int) else problem.id
    found = get_for_update(session, Problem, problem_id, what=_("problem"))  # type: ignore[arg-type]
    check_version(session, found, KIND, expected_version)
    return found


def _save(session: Session, actor: Person, problem: Problem, values: dict[str, Any], summary: Message, *,
          status_from: str | None = None) -> Problem:
    diff = apply_changes(problem, values)
    if diff:
        bump(problem)
        journal(session, record_kind=KIND, record_id=problem.id, kind="status" if status_from else "change",  # type: ignore[arg-type]
                author=actor, summary=summary, diff=named_diff(session, diff), record_version=problem.version,
                status_from=status_from, status_to=problem.status if status_from else None)
        feed(session, KIND, problem.id, "status" if status_from else "updated", actor)  # type: ignore[arg-type]
    return problem


_TEXTS = {"short_description": SHORT_MAX, "description": TEXT_MAX, "root_cause": TEXT_MAX, "workaround": TEXT_MAX,
          "solution": TEXT_MAX}
_REFERENCES = {"service": "service_id", "configuration_item": "configuration_item_id", "group": "group_id",
               "owner": "owner_id"}


def update_problem(session: Session, actor: Person | None, problem: Problem | int, *,
                   expected_version: int | None = None, **changes: Any) -> Problem:
    """Change the texts (the root cause and the workaround among them), the service, the
    configuration item, the work group or the owner; each change journaled with its old and new
    value. A closed problem is read-only."""
    actor = desk_staff(session, actor)
    problem = _load(session, problem, expected_version)
    ensure_changeable(ProblemStatus(problem.status), problem.number)
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name in _TEXTS:
            values[name] = check_text(value, name, required=name == "short_description", limit=_TEXTS[name])
        elif name in _REFERENCES:
            values[_REFERENCES[name]] = value.id if value is not None else None
        else:
            raise RuleViolation(_("{field} cannot be changed here").format(field=name), field=name)
    if "solution" in values and problem.status != ProblemStatus.RESOLVED and values["solution"]:
        raise RuleViolation(_("A problem gets its solution when it is resolved"), field="solution")
    _check_required(problem, values)
    group_id = values.get("group_id", problem.group_id)
    owner_id = values.get("owner_id", problem.owner_id)
    if "group_id" in values or "owner_id" in values:
        check_owner(session, session.get(Person, owner_id) if owner_id else None,
                    session.get(WorkGroup, group_id) if group_id else None)
    return _save(session, actor, problem, values, Message(N_("Problem edited")))


def _check_required(problem: Problem, values: dict[str, Any]) -> None:
    """What the present status needs stays filled in: a known error keeps its root cause and
    workaround, a resolved problem its solution."""
    for name in REQUIRED_FOR[ProblemStatus(problem.status)]:
        if name in values and not values[name]:
            raise RuleViolation(_("{field} is required in status «{status}»").format(
                field=field_label(name), status=ProblemStatus(problem.status).label), field=name)


def change_status(session: Session, actor: Person | None, problem: Problem | int, target: ProblemStatus | str, *,
                  root_cause: str | None = None, workaround: str | None = None, solution: str | None = None,
                  expected_version: int | None = None) -> Problem:
    """Move a problem along its lifecycle with what the new status needs (given now or already
    on the problem). Resolving here touches no incident: resolve_problem offers that."""
    actor = desk_staff(session, actor)
    problem = _load(session, problem, expected_version)
    current, target = ProblemStatus(problem.status), ProblemStatus(target)
    given = {"root_cause": root_cause, "workaround": workaround, "solution": solution}
    values: dict[str, Any] = {name: check_text(value, name, limit=TEXT_MAX)
                              for name, value in given.items() if value is not None}
    data = {"root_cause": problem.root_cause, "workaround": problem.workaround, "solution": problem.solution,
            **values}
    check_transition(current, target, data, number=problem.number)
    values["status"] = target.value
    now = utcnow()
    if target is ProblemStatus.RESOLVED:
        values["resolved_at"] = now
    elif target is ProblemStatus.CLOSED:
        values["closed_at"] = now
    elif current is ProblemStatus.RESOLVED:
        values["resolved_at"] = None  # the fix did not hold
    return _save(session, actor, problem, values,
                 Message(N_("Status: {old} → {new}"), old=Message(PROBLEM_STATUS_LABELS[current]),
                         new=Message(PROBLEM_STATUS_LABELS[target])), status_from=current.value)


def resolve_problem(session: Session, actor: Person | None, problem: Problem | int, *, solution: str,
                    resolve_incidents: bool = False, reason_code: ReasonCode | str = ReasonCode.PERMANENT_FIX,
                    resolve_with_open_tasks: bool = False, expected_version: int | None = None) -> Resolution:
    """«Вирішено» with a solution; with `resolve_incidents`, each linked incident still open is
    resolved with the same solution through the incident operation (journaled, the caller told).
    Incidents resolved, closed or cancelled already are skipped and named. One incident that
    refuses refuses the whole: the caller's transaction is rolled back, nothing is half done."""
    actor = desk_staff(session, actor)
    problem = change_status(session, actor, problem, ProblemStatus.RESOLVED, solution=solution,
                            expected_version=expected_version)
    done = Resolution(problem)
    if not resolve_incidents:
        return done
    for incident in problem_incidents(session, problem):
        status = IncidentStatus(incident.status)
        if status in _SETTLED:
            done.skipped.append((incident.number, status.label))
            continue
        try:
            incident_status.resolve_incident(session, actor, incident, solution=problem.solution,
                                             reason_code=reason_code,
                                             resolve_with_open_tasks=resolve_with_open_tasks)
        except DeskError as exc:
            raise RuleViolation(_("{number} cannot be resolved with {problem}: {reason}. Nothing was changed.")
                                .format(number=incident.number, problem=problem.number, reason=exc.message),
                                field="incidents") from exc
        done.resolved.append(incident.number)
    if done.resolved:
        journal(session, record_kind=KIND, record_id=problem.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("Incidents resolved with the problem: {numbers}"),
                                numbers=", ".join(done.resolved)), record_version=problem.version)
    return done


def close_problem(session: Session, actor: Person | None, problem: Problem | int, *,
                  expected_version: int | None = None) -> Problem:
    return change_status(session, actor, problem, ProblemStatus.CLOSED, expected_version=expected_version)


def _link_of(session: Session, problem: Problem, incident: Incident) -> RecordLink | None:
    return session.execute(select(RecordLink).where(
        RecordLink.from_kind == "incident", RecordLink.from_id == incident.id,
        RecordLink.to_kind == KIND, RecordLink.to_id == problem.id)).scalar_one_or_none()


def link_incident(session: Session, actor: Person | None, problem: Problem, incident: Incident) -> RecordLink:
    """The incident is caused by this problem (a link from the incident, as R4 relates records)."""
    actor = desk_staff(session, actor)
    ensure_changeable(ProblemStatus(problem.status), problem.number)
    if _link_of(session, problem, incident) is not None:
        raise RuleViolation(_("{incident} is linked to {problem} already").format(
            incident=incident.number, problem=problem.number), field="incidents")
    return link_records(session, actor, incident, to_kind=KIND, to_id=problem.id)  # type: ignore[arg-type]


def unlink_incident(session: Session, actor: Person | None, problem: Problem, incident: Incident) -> None:
    actor = desk_staff(session, actor)
    ensure_changeable(ProblemStatus(problem.status), problem.number)
    lifecycle.ensure_changeable(IncidentStatus(incident.status), incident.number)  # R26, as linking
    link = _link_of(session, problem, incident)
    if link is None:
        raise NotFound(_("{incident} is not linked to {problem}").format(
            incident=incident.number, problem=problem.number))
    session.delete(link)
    for kind, record_id, value in (("incident", incident.id, f"{KIND}:{problem.id}"),
                                   (KIND, problem.id, incident.number)):
        field_name = "related" if kind == "incident" else "incidents"
        journal(session, record_kind=kind, record_id=record_id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("Link removed")), diff=[(field_name, value, None)])
        feed(session, kind, record_id, "updated", actor)  # type: ignore[arg-type]


def problem_incidents(session: Session, problem: Problem) -> list[Incident]:
    """The incidents linked to a problem, oldest first."""
    stmt = (select(Incident).join(RecordLink, RecordLink.from_id == Incident.id)
            .where(RecordLink.from_kind == "incident", RecordLink.to_kind == KIND, RecordLink.to_id == problem.id)
            .order_by(Incident.id).limit(LIST_LIMIT))
    return list(session.execute(stmt).scalars())


def list_problems(session: Session, *, status: ProblemStatus | None = None, open_only: bool = False,
                  configuration_item: ConfigurationItem | None = None) -> list[Problem]:
    stmt = select(Problem).order_by(Problem.number.desc()).limit(LIST_LIMIT)  # type: ignore[attr-defined]
    if status is not None:
        stmt = stmt.where(Problem.status == status.value)
    if open_only:
        stmt = stmt.where(Problem.status.in_([s.value for s in OPEN]))  # type: ignore[attr-defined]
    if configuration_item is not None:
        stmt = stmt.where(Problem.configuration_item_id == configuration_item.id)
    return list(session.execute(stmt).scalars())
