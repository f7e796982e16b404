"""A service request as its record view and `request show` read it (R27–R32): its fields in
words, its item and version, its tasks, its approvals, its deadlines and its journal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.domain.catalog import fields_of, in_language, shown_value
from helpdesk_tui.domain.requests import ApprovalState
from helpdesk_tui.store.models import (
    Approval,
    CatalogItem,
    Organisation,
    Person,
    ServiceRequest,
    Service,
    Task,
    WorkGroup,
)
from helpdesk_tui.store.records import _name, journal_entries


def parameters(session: Session, item: CatalogItem | None, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field of the item: its name, label in the reader's language, value as read."""
    if item is None:
        return [{"name": k, "label": k, "value": str(v), "raw": v} for k, v in values.items()]
    definitions = fields_of(item.fields)
    logins = [values[f.name] for f in definitions if f.kind == "person" and f.name in values]
    names = dict(session.execute(select(Person.login, Person.full_name).where(Person.login.in_(logins))).all()) \
        if logins else {}  # type: ignore[attr-defined]
    return [{"name": f.name, "label": f.title(), "value": shown_value(f, values.get(f.name), names),
             "raw": values.get(f.name), "kind": f.kind} for f in definitions]


def request_detail(session: Session, request: ServiceRequest, viewer_id: int | None = None) -> dict[str, Any]:
    item = session.get(CatalogItem, request.catalog_item_id) if request.catalog_item_id else None
    tasks = list(session.execute(select(Task, WorkGroup.name, Person.full_name)
                                 .join(WorkGroup, WorkGroup.id == Task.group_id)
                                 .outerjoin(Person, Person.id == Task.owner_id)
                                 .where(Task.request_id == request.id).order_by(Task.id)))
    approvals = list(session.execute(select(Approval, Person.full_name).join(Person, Person.id == Approval.approver_id)
                                     .where(Approval.request_id == request.id).order_by(Approval.id)))
    return {
        "id": request.id, "number": request.number, "version": request.version, "status": request.status,
        "short_description": request.short_description, "description": request.description,
        "channel": request.channel,
        "requester": _name(session, Person, request.requester_id, "full_name"),
        "requester_id": request.requester_id,
        "organisation": _name(session, Organisation, request.organisation_id),
        "organisation_id": request.organisation_id,
        "group": _name(session, WorkGroup, request.group_id), "group_id": request.group_id,
        "owner": _name(session, Person, request.owner_id, "full_name"), "owner_id": request.owner_id,
        "opened_by": _name(session, Person, request.opened_by_id, "full_name"),
        "item": {"code": item.code, "version": item.version, "current": item.current,
                 "name": in_language({"uk": item.name, "en": item.name_en}),
                 "service": _name(session, Service, item.service_id)} if item else None,
        "parameters": parameters(session, item, request.parameters or {}),
        "created_at": request.created_at, "updated_at": request.updated_at, "responded_at": request.responded_at,
        "response_due": request.response_due, "due_at": request.due_at, "approved_at": request.approved_at,
        "implemented_at": request.implemented_at, "closed_at": request.closed_at,
        "tasks": [{"id": t.id, "number": t.number, "status": t.status, "short_description": t.short_description,
                   "details": t.details, "group": group, "owner": owner, "automatic": t.automatic,
                   "stage": t.sequence, "completion_comment": t.completion_comment, "version": t.version}
                  for t, group, owner in tasks],
        "approvals": [{"approver": name, "approver_id": a.approver_id, "state": a.state,
                       "state_label": ApprovalState(a.state).label, "comment": a.comment,
                       "decided_at": a.decided_at, "via": a.decided_via} for a, name in approvals],
        "journal": journal_entries(session, "service_request", request.id, viewer_id),  # type: ignore[arg-type]
    }
