"""Service requests (R27, R28): registering one from a catalog item, and its status changes.

«Запит на обслуговування» → «Новий»: the requester, the item that applies to them, the item's
fields; saving e-mails the requester and shows the deadlines. An item with approvers waits for
them («В очікуванні схвалення», desk/approvals.py); otherwise, or once approved, the first
stage's tasks are made (desk/request_tasks.py) and the request is «В роботі». The last task of
the sequence makes it «Реалізовано»; the requester's confirmation (or the days) «Закрито».
Closed, rejected and cancelled requests refuse every change, through every entry point.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from helpdesk_tui.desk import notify, request_sla, request_tasks, settings
from helpdesk_tui.desk.approvals import ask_approvers, withdraw
from helpdesk_tui.desk.catalog import ItemInfo, item_for
from helpdesk_tui.desk.common import (
    SHORT_DESCRIPTION_MAX,
    apply_changes,
    bump,
    check_text,
    desk_staff,
    feed,
    journal,
    next_number,
)
from helpdesk_tui.desk.notes import mark_unread_for_owner
from helpdesk_tui.desk.request_records import fields_for_reader, implement, load_for_change, move
from helpdesk_tui.desk.lookup import find_person
from helpdesk_tui.domain import requests as rules
from helpdesk_tui.domain.catalog import clean_parameters
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError, RuleViolation
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.domain.statuses import Channel
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import CatalogItem, Person, ServiceRequest, WorkGroup
from helpdesk_tui.store.types import utcnow

DESCRIPTION_MAX = 20_000


def _person_fields(session: Session, item: ItemInfo, params: dict[str, Any]) -> dict[str, str]:
    """A person field holds the person's login; each named person must exist. Their names."""
    names = {}
    for definition in item.fields:
        if definition.kind == "person" and definition.name in params:
            try:
                person = find_person(session, params[definition.name])
            except DeskError as exc:
                raise RuleViolation(f"«{definition.title()}»: {exc.message}", field=definition.name) from None
            params[definition.name] = person.login
            names[person.login] = person.full_name
    return names


def register_request(
    session: Session,
    actor: Person | None,
    *,
    requester: Person,
    item_id: int,
    values: dict[str, Any],
    description: str = "",
    channel: str = Channel.PHONE.value,
    owner: Person | None = None,
) -> ServiceRequest:
    """R27: a new request from a catalog item this requester may ask for, with its fields."""
    actor = desk_staff(session, actor)
    row = item_for(session, actor, requester, item_id)
    item = ItemInfo.of(row)
    params = clean_parameters(item.fields, values)
    _person_fields(session, item, params)
    description = check_text(description, "description", limit=DESCRIPTION_MAX)
    lang = _deployment_language()
    title = row.name if lang == "uk" or not row.name_en else row.name_en
    request = ServiceRequest(
        number=next_number(session, "service_request"), requester_id=requester.id,
        organisation_id=requester.organisation_id, catalog_item_id=row.id, parameters=params,
        short_description=check_text(title, "short_description", limit=SHORT_DESCRIPTION_MAX),
        description=description, channel=Channel(channel).value, status=S.REGISTERED.value,
        group_id=row.group_id, owner_id=owner.id if owner else None, opened_by_id=actor.id,
    )
    session.add(request)
    session.flush()
    group = session.get(WorkGroup, row.group_id) if row.group_id else None
    journal(session, record_kind="service_request", record_id=request.id, kind="status", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Service request registered")),
            status_to=S.REGISTERED.value, record_version=1,
            diff=[("requester", None, requester.login), ("item", None, f"{row.name} (v{row.version})"),
                  *([("group", None, group.name)] if group else []), *([("owner", None, owner.login)] if owner else [])])
    feed(session, "service_request", request.id, "created", actor)  # type: ignore[arg-type]
    if row.approval:
        move(session, actor, request, S.AWAITING_APPROVAL, "")
        ask_approvers(session, actor, request, row)
    elif row.stages:
        request_tasks.start_work(session, actor, request, row)
    # Without approval or tasks it stays «Зареєстровано»: an analyst takes it into work and
    # implements it by hand.
    request_sla.refresh_due(session, request)
    notify.queue(session, template="request_registered", record_kind="service_request", record_id=request.id,  # type: ignore[arg-type]
                 number=request.number, recipients=[requester], author=actor,
                 values={"title": request.short_description, "fields": fields_for_reader(session, item, params),
                         "due": when(request.due_at) if request.due_at else "—"})
    return request


def _deployment_language() -> str:
    return settings.current().notification_language


def change_status(session: Session, actor: Person | None, request: ServiceRequest, target: S | str, *,
                  reason: str = "", expected_version: int | None = None) -> ServiceRequest:
    """The moves an analyst makes by hand: cancel (with a reason: open tasks and approvals go
    with it), implement a request without open tasks, close, or back to work from «Реалізовано»."""
    actor = desk_staff(session, actor)
    target = S(target)
    request = load_for_change(session, request, expected_version)
    if target is S.AWAITING_APPROVAL or target is S.REJECTED:
        raise RuleViolation(_("Approvals decide that: ask the approvers, or cancel the request"))
    rules.check_transition(S(request.status), target, {"reason": reason, "comment": reason}, number=request.number)
    reason = (reason or "").strip()
    if target is S.CANCELLED:
        request_tasks.cancel_open(session, actor, request, reason=reason)
        withdraw(session, request)
        move(session, actor, request, target, reason, closed_at=utcnow())
    elif target is S.IMPLEMENTED:
        request_tasks.ensure_all_done(session, request)
        implement(session, actor, request, reason)
        return request
    elif target is S.CLOSED:
        move(session, actor, request, target, reason, closed_at=utcnow())
    elif target is S.IN_PROGRESS:
        if S(request.status) is S.REGISTERED:
            row = session.get(CatalogItem, request.catalog_item_id)
            request_tasks.start_work(session, actor, request, row)
        else:
            move(session, actor, request, target, reason, implemented_at=None)
    request_sla.refresh_due(session, request)
    return request


def assign(session: Session, actor: Person | None, request: ServiceRequest, *, group: WorkGroup | None = None,
           owner: Person | None = None, expected_version: int | None = None) -> ServiceRequest:
    actor = desk_staff(session, actor)
    request = load_for_change(session, request, expected_version)
    changes: dict[str, Any] = {}
    if group is not None:
        changes["group_id"] = group.id
    if owner is not None:
        changes["owner_id"] = owner.id
    diff = apply_changes(request, changes)
    if not diff:
        return request
    bump(request)
    names = []
    if group is not None:
        names.append(("group", None, group.name))
    if owner is not None:
        names.append(("owner", None, owner.login))
    journal(session, record_kind="service_request", record_id=request.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Assigned")), diff=names, record_version=request.version)
    if request.responded_at is None:
        request.responded_at = utcnow()
        request_sla.refresh_due(session, request)
    feed(session, "service_request", request.id, "updated", actor)  # type: ignore[arg-type]
    return request


def add_note(session: Session, actor: Person | None, request: ServiceRequest, *, summary: str, text: str,
             published: bool = False) -> int:
    """R32: a note as on an incident (R23); a published one is e-mailed to the requester."""
    actor = desk_staff(session, actor)
    request = load_for_change(session, request)
    summary, text = (summary or "").strip(), check_text(text, "text", limit=DESCRIPTION_MAX)
    if not text and not summary:
        raise RuleViolation(_("A note needs a summary or a text"), field="text")
    entry_id = journal(session, record_kind="service_request", record_id=request.id, kind="note", author=actor,  # type: ignore[arg-type]
                       summary=summary, body=text, published=published)
    request.updated_at = utcnow()
    if published:
        if request.responded_at is None:
            request.responded_at = utcnow()
            request_sla.refresh_due(session, request)
        requester = session.get(Person, request.requester_id) if request.requester_id else None
        if requester is not None:
            notify.queue(session, template="published_note", record_kind="service_request", record_id=request.id,  # type: ignore[arg-type]
                         number=request.number, recipients=[requester], author=actor,
                         values={"title": request.short_description, "text": text or summary})
    mark_unread_for_owner(session, actor, "service_request", request.id, entry_id)  # type: ignore[arg-type]
    feed(session, "service_request", request.id, "note", actor)  # type: ignore[arg-type]
    return entry_id

