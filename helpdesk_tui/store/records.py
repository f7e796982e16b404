"""One record with everything a record view shows: fields by name, journal, tasks, links."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.domain.contacts import shown_phone
from helpdesk_tui.domain.field_values import PERSON_FIELDS, PERSON_ID_FIELDS, RECORD_FIELDS
from helpdesk_tui.domain.messages import shown
from helpdesk_tui.store.models import (
    Category,
    ConfigurationItem,
    ExternalTask,
    FieldChange,
    Incident,
    JournalEntry,
    KnowledgeArticle,
    Organisation,
    Person,
    Problem,
    RecordLink,
    Service,
    ServiceRequest,
    Task,
    UnreadMarker,
    Vendor,
    WorkGroup,
)


def _name(session: Session, model: Any, record_id: int | None, attr: str = "name") -> str | None:
    if record_id is None:
        return None
    obj = session.get(model, record_id)
    return getattr(obj, attr) if obj is not None else None


def journal_entries(session: Session, record_kind: str, record_id: int, viewer_id: int | None = None,
                    kinds: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The record's journal, oldest first. `summary` and `body` are in the reader's language
    (the interface's), however they were written (domain/messages.py); `summary_key` and
    `summary_args` are the untranslated message behind a summary of the desk's own words (None
    for typed text and entries written before keys existed)."""
    stmt = (
        select(JournalEntry, Person.full_name)
        .outerjoin(Person, Person.id == JournalEntry.author_id)
        .where(JournalEntry.record_kind == record_kind, JournalEntry.record_id == record_id)
        .order_by(JournalEntry.id)
    )
    if kinds:
        stmt = stmt.where(JournalEntry.kind.in_(kinds))  # type: ignore[attr-defined]
    rows = session.execute(stmt).all()
    ids = [e.id for e, _n in rows]
    changes: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for fc in session.execute(select(FieldChange).where(FieldChange.entry_id.in_(ids)).order_by(FieldChange.id)).scalars():  # type: ignore[attr-defined]
            changes.setdefault(fc.entry_id, []).append({"field": fc.field, "old": fc.old_value, "new": fc.new_value})
        _name_references([c for cs in changes.values() for c in cs], session)
    unread: set[int] = set()
    if viewer_id is not None and ids:
        unread = set(session.execute(select(UnreadMarker.entry_id).where(
            UnreadMarker.person_id == viewer_id, UnreadMarker.entry_id.in_(ids))).scalars())  # type: ignore[attr-defined]
    return [
        {
            "id": e.id, "kind": e.kind, "author": author, "created_at": e.created_at,
            "summary": shown(e.summary, e.summary_key, e.summary_args), "summary_key": e.summary_key,
            "summary_args": e.summary_args, "body": shown(e.body, e.body_key, e.body_args),
            "published": e.published, "status_from": e.status_from, "status_to": e.status_to,
            "changes": changes.get(e.id, []), "unread": e.id in unread,  # type: ignore[arg-type]
        }
        for e, author in rows
    ]


_LINKABLE: dict[str, Any] = {"incident": Incident, "knowledge_article": KnowledgeArticle, "problem": Problem,
                             "task": Task, "external_task": ExternalTask, "service_request": ServiceRequest}


def _name_references(changes: list[dict[str, Any]], session: Session) -> None:
    """Give each change the names of the people and records its values refer to (a login, a
    person's id, «knowledge_article:1»), looked up once for the whole journal; the journal keeps
    the values themselves (field_values.shown_value shows them by these names)."""
    logins: set[str] = set()
    person_ids: set[int] = set()
    records: dict[str, set[int]] = {}
    for change in changes:
        for value in (change["old"], change["new"]):
            if not value:
                continue
            if change["field"] in PERSON_FIELDS:
                logins.add(value)
            elif change["field"] in PERSON_ID_FIELDS and value.isdigit():
                person_ids.add(int(value))
            elif change["field"] in RECORD_FIELDS and value.partition(":")[2].isdigit():
                kind, _sep, rid = value.partition(":")
                records.setdefault(kind, set()).add(int(rid))
    by_login: dict[str, str] = {}
    by_id: dict[str, str] = {}
    by_record: dict[str, str] = {}
    if logins:
        by_login.update((login, name) for login, name in session.execute(
            select(Person.login, Person.full_name).where(Person.login.in_(logins))))  # type: ignore[attr-defined]
    if person_ids:
        by_id.update((str(i), n) for i, n in session.execute(
            select(Person.id, Person.full_name).where(Person.id.in_(person_ids))))  # type: ignore[union-attr]
    for kind, rids in records.items():
        model = _LINKABLE.get(kind)
        if model is not None:
            by_record.update((f"{kind}:{i}", n) for i, n in session.execute(
                select(model.id, model.number).where(model.id.in_(rids))))
    for change in changes:
        field = change["field"]
        found = by_login if field in PERSON_FIELDS else by_id if field in PERSON_ID_FIELDS else by_record
        change["names"] = {v: found[v] for v in (change["old"], change["new"]) if v and v in found}


def incident_detail(session: Session, incident: Incident, viewer_id: int | None = None) -> dict[str, Any]:
    caller = session.get(Person, incident.caller_id) if incident.caller_id else None
    tasks = session.execute(select(Task).where(Task.incident_id == incident.id).order_by(Task.id)).scalars()
    ext = session.execute(select(ExternalTask, Vendor.name).join(Vendor, Vendor.id == ExternalTask.vendor_id)
                          .where(ExternalTask.incident_id == incident.id).order_by(ExternalTask.id)).all()
    links = []
    for link in session.execute(select(RecordLink).where(RecordLink.from_kind == "incident",
                                                         RecordLink.from_id == incident.id)).scalars():
        model = {"incident": Incident, "knowledge_article": KnowledgeArticle, "problem": Problem}.get(link.to_kind)
        target = session.get(model, link.to_id) if model else None
        title = getattr(target, "short_description", None) or getattr(target, "title", "")
        links.append({"kind": link.to_kind, "id": link.to_id, "number": getattr(target, "number", None), "title": title,
                      "status": getattr(target, "status", None), "relation": link.relation})
    return {
        "id": incident.id,
        "number": incident.number,
        "version": incident.version,
        "status": incident.status,
        "short_description": incident.short_description,
        "description": incident.description,
        "caller": caller.full_name if caller else None,
        "caller_login": caller.login if caller else None,
        "caller_email": caller.email if caller else None,
        "caller_phone": shown_phone(caller.phone) if caller else None,
        "organisation": _name(session, Organisation, incident.organisation_id),
        "organisation_id": incident.organisation_id,
        "channel": incident.channel,
        "ticket_kind": incident.kind,  # "kind" is the record's kind (incident) to the screens
        "agreed_at": incident.agreed_at,
        "agreement": incident.agreement,
        "service": _name(session, Service, incident.service_id),
        "category": _name(session, Category, incident.category_id),
        "impact": incident.impact,
        "urgency": incident.urgency,
        "priority": incident.priority,
        "priority_overridden": incident.priority_overridden,
        "criticality": incident.criticality,
        "urgent_reason": incident.urgent_reason,
        "group": _name(session, WorkGroup, incident.group_id),
        "owner": _name(session, Person, incident.owner_id, "full_name"),
        "owner_login": _name(session, Person, incident.owner_id, "login"),
        "opened_by": _name(session, Person, incident.opened_by_id, "login"),
        "solution": incident.solution,
        "reason_code": incident.reason_code,
        "configuration_item": _name(session, ConfigurationItem, incident.configuration_item_id),
        "waiting_on": incident.waiting_on,
        "service_id": incident.service_id, "category_id": incident.category_id, "group_id": incident.group_id,
        "owner_id": incident.owner_id, "configuration_item_id": incident.configuration_item_id,
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "responded_at": incident.responded_at,
        "resolved_at": incident.resolved_at,
        "closed_at": incident.closed_at,
        "response_due": incident.response_due,
        "resolution_due": incident.resolution_due,
        "tasks": [
            {"id": t.id, "number": t.number, "status": t.status, "group": _name(session, WorkGroup, t.group_id),
             "owner": _name(session, Person, t.owner_id, "full_name"), "short_description": t.short_description}
            for t in tasks
        ],
        "external_tasks": [
            {"number": t.number, "status": t.status, "vendor": vendor, "short_description": t.short_description,
             "vendor_answer": t.vendor_answer}
            for t, vendor in ext
        ],
        "related": links,
        "journal": journal_entries(session, "incident", incident.id, viewer_id),  # type: ignore[arg-type]
    }


def task_detail(session: Session, task: Task, viewer_id: int | None = None) -> dict[str, Any]:
    parent: Any = None
    if task.incident_id:
        parent, parent_kind = session.get(Incident, task.incident_id), "incident"
    elif task.request_id:
        parent, parent_kind = session.get(ServiceRequest, task.request_id), "service_request"
    return {
        "id": task.id, "number": task.number, "version": task.version, "status": task.status,
        "short_description": task.short_description, "details": task.details,
        "group": _name(session, WorkGroup, task.group_id), "owner": _name(session, Person, task.owner_id, "full_name"),
        "parent": parent.number if parent else None, "parent_kind": parent_kind if parent else None,
        "parent_id": parent.id if parent else None, "completion_comment": task.completion_comment,
        "organisation_id": parent.organisation_id if parent else None,  # the client whose hours it uses
        "created_at": task.created_at, "completed_at": task.completed_at,
        "journal": journal_entries(session, "task", task.id, viewer_id),  # type: ignore[arg-type]
    }


def related_detail(session: Session, kind: str, record_id: int) -> dict[str, Any] | None:
    """A knowledge article, problem or incident as the related-items preview shows it."""
    model = {"incident": Incident, "knowledge_article": KnowledgeArticle, "problem": Problem}.get(kind)
    target = session.get(model, record_id) if model is not None else None
    if target is None:
        return None
    if kind == "knowledge_article":
        text, solution, status = target.body, target.solution, None
    elif kind == "problem":
        text, solution, status = target.description, target.workaround, target.status
    else:
        text, solution, status = target.description, target.solution or "", target.status
    return {"kind": kind, "id": record_id, "number": target.number,
            "title": getattr(target, "short_description", None) or getattr(target, "title", ""),
            "status": status, "text": text or "", "solution": solution or "",
            "service": _name(session, Service, target.service_id), "created_at": target.created_at}
