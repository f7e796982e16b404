"""What every service-request operation shares: a request's fields as read, the status move
that journals it, the lock that refuses a closed request, and «Реалізовано».

Kept apart so that registering (desk/requests.py), approvals (desk/approvals.py) and the task
sequence (desk/request_tasks.py) use them without importing each other in a circle."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import notify, request_sla
from helpdesk_tui.desk.catalog import ItemInfo
from helpdesk_tui.desk.sla import setting
from helpdesk_tui.desk.common import apply_changes, bump, check_version, feed, get_for_update, journal
from helpdesk_tui.domain import requests as rules
from helpdesk_tui.domain.catalog import in_language, shown_value
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Person, ServiceRequest
from helpdesk_tui.store.types import utcnow


def parameter_lines(session: Session, item: ItemInfo, params: dict[str, Any],
                    lang: str | None = None) -> list[tuple[str, str]]:
    """The request's fields as the analyst reads them (or a reader of `lang`): (label, value),
    in the item's order."""
    logins = [params[f.name] for f in item.fields if f.kind == "person" and f.name in params]
    names = {}
    if logins:
        names = dict(session.execute(select(Person.login, Person.full_name).where(Person.login.in_(logins))).all())  # type: ignore[attr-defined]
    return [(in_language(f.label, lang) or f.name, shown_value(f, params.get(f.name), names)) for f in item.fields]


def template_values(session: Session, request: ServiceRequest, item: ItemInfo) -> dict[str, str]:
    """What a task's short description may say: the fields as shown, the number, the requester."""
    requester = session.get(Person, request.requester_id) if request.requester_id else None
    lines = dict(zip((f.name for f in item.fields), (v for _l, v in parameter_lines(session, item, request.parameters))))
    return {**{k: v for k, v in lines.items() if v != "—"}, "number": request.number,
            "requester": requester.full_name if requester else "", "item": item.name}


def field_text(session: Session, item: ItemInfo, params: dict[str, Any], lang: str | None = None) -> str:
    return "\n".join(f"{label}: {value}" for label, value in parameter_lines(session, item, params, lang)
                     if value != "—")


def fields_for_reader(session: Session, item: ItemInfo, params: dict[str, Any]) -> Any:
    """The fields as an e-mail shows them, in its reader's language (notify.queue asks)."""
    return lambda lang: field_text(session, item, params, lang)


def move(session: Session, actor: Person | None, request: ServiceRequest, target: S, body: str,
          **fields: Any) -> None:
    """Write a status change of a request already checked and locked."""
    old = S(request.status)
    diff = apply_changes(request, {"status": target.value, **fields})
    bump(request)
    journal(session, record_kind="service_request", record_id=request.id, kind="status", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Status: {old} → {new}"), old=rules.status_message(old), new=rules.status_message(target)),
            body=body,
            diff=[d for d in diff if d[0] != "status" and not d[0].endswith("_at")], status_from=old.value, status_to=target.value,
            record_version=request.version)
    feed(session, "service_request", request.id, "status", actor)  # type: ignore[arg-type]


def load_for_change(session: Session, request: ServiceRequest | int, expected_version: int | None = None) -> ServiceRequest:
    """The request locked for a change, refused when it is closed, rejected or cancelled."""
    request_id = request if isinstance(request, int) else request.id
    fresh = get_for_update(session, ServiceRequest, request_id, what=_("service request"))  # type: ignore[arg-type]
    rules.ensure_changeable(S(fresh.status), fresh.number)
    check_version(session, fresh, "service_request", expected_version)
    return fresh


def implement(session: Session, actor: Person | None, request: ServiceRequest, text: str = "") -> None:
    """«Реалізовано»: the work is done; the requester is told and asked to confirm."""
    move(session, actor, request, S.IMPLEMENTED, text, implemented_at=utcnow())
    request_sla.refresh_due(session, request)
    requester = session.get(Person, request.requester_id) if request.requester_id else None
    if requester is not None:
        notify.queue(session, template="request_implemented", record_kind="service_request",
                     record_id=request.id, number=request.number, recipients=[requester], author=actor,  # type: ignore[arg-type]
                     values={"title": request.short_description, "text": text,
                             "days": str(int(setting(session, "autoclose.days", 5)))})
