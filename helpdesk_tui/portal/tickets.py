"""The caller's tickets: the list (incidents and service requests), one ticket with its published
thread, replying, accepting or rejecting a resolution, closing, registering a new incident or
service request, and the approvals waiting for the caller. Always the signed-in caller's own
(to read, also their organisation's where it shares): desk/portal_tickets.py and
desk/portal_requests.py find nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.responses import Response
from starlette.routing import Route

from helpdesk_tui.desk import portal_auth, portal_files, portal_requests, portal_tickets
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import MissingFields, NotFound, RuleViolation
from helpdesk_tui.domain.requests import FINAL as REQUEST_FINAL
from helpdesk_tui.domain.requests import RequestStatus
from helpdesk_tui.domain.sla import URGENT_REASONS
from helpdesk_tui.domain.statuses import CRITICALITY_LABELS, INCIDENT_STATUS_LABELS, TICKET_KIND_LABELS, IncidentStatus
from helpdesk_tui.domain.text import printable
from helpdesk_tui.domain.turn import TURN_WORDS, turn
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.portal.app import Visit

# What a redirect after a change says on the page it lands on: fixed words, chosen by a code.
DONE = {
    "answered": N_("Thank you: your answer is with the service desk."),
    "reopened": N_("The ticket is open again; the service desk will look at it."),
    "added": N_("Your reply is added."),
    "closed": N_("The ticket is closed."),
    "withdrawn": N_("The request is withdrawn."),
    "accepted": N_("Thank you: the ticket is closed."),
    "rejected": N_("The ticket is open again; the service desk will look at it."),
    "created": N_("Your ticket is registered."),
    "approved": N_("You approved the request."),
    "declined": N_("You rejected the request."),
}


def _files_hint() -> str:
    limits = portal_files.limits()
    return _("Up to {n} files, each at most {size}").format(n=limits.max_files,
                                                             size=portal_files.size_text(limits.max_bytes))


def _done(visit: Visit) -> str:
    code = visit.query("done")
    return _(DONE[code]) if code in DONE else ""


def _status(status: str, record: str = "incident") -> str:
    try:
        if record == "service_request":
            return RequestStatus(status).label
        return _(INCIDENT_STATUS_LABELS[IncidentStatus(status)])
    except ValueError:
        return status


def is_request(number: str) -> bool:
    return number.strip().upper().startswith("REQ")


KIND_LABELS = {**TICKET_KIND_LABELS, "service_request": N_("Service request")}


def _person(s: Any, visit: Visit) -> Any:
    return portal_auth.person(s, visit.person_id)


def ticket_list(visit: Visit) -> Response:
    after = visit.query("after") or None
    with visit.db.read() as s:
        rows, more = portal_tickets.my_tickets(s, _person(s, visit), after=after)
    shown = [{"number": r.number, "title": printable(r.short_description, one_line=True),
              "status": _status(r.status, r.record), "turn": r.turn, "turn_words": _(TURN_WORDS[r.turn]),
              "kind": _(KIND_LABELS[r.kind]) if r.kind in KIND_LABELS else r.kind, "mine": r.mine,
              "updated": when(r.updated_at)} for r in rows]
    return visit.render("tickets.html", tickets=shown, more=more, done=_done(visit))


def _ticket_page(visit: Visit, number: str, status: int = 200, *, error: str = "", field: str = "",
                 text: str = "") -> Response:
    with visit.db.read() as s:
        caller = _person(s, visit)
        incident = portal_tickets.ticket_for(s, caller, number)
        entries = portal_tickets.thread(s, caller, incident)
        dot = turn(incident.status, incident.waiting_on)
        state = IncidentStatus(incident.status)
        ticket = {
            "number": incident.number, "title": printable(incident.short_description, one_line=True),
            "status": _status(incident.status), "turn": dot, "turn_words": _(TURN_WORDS[dot]),
            "kind": _(TICKET_KIND_LABELS.get(incident.kind, incident.kind)),
            "criticality": _(CRITICALITY_LABELS[incident.criticality]) if incident.criticality in CRITICALITY_LABELS else "",  # type: ignore[index]
            "created": when(incident.created_at), "updated": when(incident.updated_at),
            "solution": printable(incident.solution or ""),
            "open": state not in portal_tickets.ENDED, "resolved": state is IncidentStatus.RESOLVED,
            "asks": state is IncidentStatus.INFO_NEEDED, "request": False,
            "own": incident.caller_id == caller.id,
        }
    thread = [{"at": when(e.at), "author": printable(e.author, one_line=True), "mine": e.mine,
               "summary": printable(e.summary, one_line=True), "body": printable(e.body),
               "files": [{"id": f.id, "name": f.filename, "size": f.size} for f in e.files]} for e in entries]
    return visit.render("ticket.html", status, ticket=ticket, thread=thread, fields=[], error=error,
                        error_field=field, text=text, done=_done(visit), files_hint=_files_hint())


def _request_page(visit: Visit, number: str, status: int = 200, *, error: str = "", field: str = "",
                  text: str = "") -> Response:
    with visit.db.read() as s:
        caller = _person(s, visit)
        request = portal_requests.request_for(s, caller, number)
        entries = portal_requests.request_thread(s, caller, request)
        fields = [(printable(label, one_line=True), printable(value)) for label, value in portal_requests.fields_of(s, request)]
        dot = portal_requests.request_turn(request.status)
        state = RequestStatus(request.status)
        ticket = {
            "number": request.number, "title": printable(request.short_description, one_line=True),
            "status": state.label, "turn": dot, "turn_words": _(TURN_WORDS[dot]), "kind": _(KIND_LABELS["service_request"]),
            "criticality": "", "created": when(request.created_at), "updated": when(request.updated_at),
            "solution": "", "open": state not in REQUEST_FINAL, "resolved": state is RequestStatus.IMPLEMENTED,
            "asks": False, "request": True, "own": request.requester_id == caller.id,
        }
    thread = [{"at": when(e.at), "author": printable(e.author, one_line=True), "mine": e.mine,
               "summary": printable(e.summary, one_line=True), "body": printable(e.body),
               "files": [{"id": f.id, "name": f.filename, "size": f.size} for f in e.files]} for e in entries]
    return visit.render("ticket.html", status, ticket=ticket, thread=thread, fields=fields, error=error,
                        error_field=field, text=text, done=_done(visit), files_hint=_files_hint())


def ticket(visit: Visit) -> Response:
    number = visit.param("number")
    if is_request(number):
        return _request_page(visit, number)
    return _ticket_page(visit, number)


def _change(visit: Visit, work: Callable[[Any, Any, str], str]) -> Response:
    number = visit.param("number")
    try:
        with visit.db.write() as s:
            s.info["source"] = "portal"
            done = work(s, _person(s, visit), number)
    except RuleViolation as exc:
        again = _request_page if is_request(number) else _ticket_page
        return again(visit, number, 400, error=exc.message, field=exc.field or "text",
                     text=visit.field("text") or visit.field("reason"))
    return visit.redirect(f"/tickets/{quote(number)}?done={done}")


def reply(visit: Visit) -> Response:
    def work(s: Any, caller: Any, number: str) -> str:
        files = visit.uploads("files")
        if is_request(number):
            return portal_requests.reply(s, caller, number, visit.field("text"), files)
        return portal_tickets.reply(s, caller, number, visit.field("text"), files)

    return _change(visit, work)


def close(visit: Visit) -> Response:
    def work(s: Any, caller: Any, number: str) -> str:
        if is_request(number):
            portal_requests.withdraw(s, caller, number, visit.field("words"))
            return "withdrawn"
        portal_tickets.close_ticket(s, caller, number, visit.field("words"))
        return "closed"

    return _change(visit, work)


def accept(visit: Visit) -> Response:
    def work(s: Any, caller: Any, number: str) -> str:
        if is_request(number):
            portal_requests.accept(s, caller, number)
        else:
            portal_tickets.accept_resolution(s, caller, number)
        return "accepted"

    return _change(visit, work)


def reject(visit: Visit) -> Response:
    def work(s: Any, caller: Any, number: str) -> str:
        if is_request(number):
            portal_requests.reject(s, caller, number, visit.field("reason"))
        else:
            portal_tickets.reject_resolution(s, caller, number, visit.field("reason"))
        return "rejected"

    return _change(visit, work)


def download(visit: Visit) -> Response:
    """A file attached to a ticket the visitor may read: always as a download, never shown."""
    number, raw = visit.param("number"), visit.param("file")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise NotFound(_("No such file"))
    with visit.db.read() as s:
        caller = _person(s, visit)
        if is_request(number):
            record = portal_requests.request_for(s, caller, number)
            row = portal_files.file_of(s, "service_request", record.id, int(raw))
        else:
            record = portal_tickets.ticket_for(s, caller, number)
            row = portal_files.file_of(s, "incident", record.id, int(raw))
        data, name = row.data, row.filename
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._- ") else "_" for ch in name) or "file"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(data, media_type="application/octet-stream",
                    headers={"content-disposition": disposition, "content-security-policy": "sandbox"})


# --- new service requests ----------------------------------------------------------------------

FIELD_PREFIX = "f_"


def item_list(visit: Visit) -> Response:
    with visit.db.read() as s:
        items = [{"id": i.id, "name": printable(i.name, one_line=True), "description": printable(i.description)}
                 for i in portal_requests.offered_items(s, _person(s, visit))]
    return visit.render("items.html", items=items)


def _typed(visit: Visit, kind: str, name: str) -> object:
    key = FIELD_PREFIX + name
    if visit.form is None:
        return [] if kind == "choices" else ""
    if kind == "choices":
        return visit.fields(key)
    return visit.field(key)


def _request_form(visit: Visit, item_id: int, status: int = 200, *, error: str = "",
                  wrong: tuple[str, ...] = ()) -> Response:
    with visit.db.read() as s:
        item = portal_requests.offered_item(s, _person(s, visit), item_id)
    fields = []
    for f in item.fields:
        typed = _typed(visit, f.kind, f.name)
        fields.append({"id": FIELD_PREFIX + f.name, "kind": f.kind, "label": printable(f.title(), one_line=True),
                       "hint": printable(f.hint()), "required": f.required, "options": list(f.options),
                       "value": typed, "wrong": f.name in wrong,
                       "min": str(f.minimum) if f.minimum is not None else "",
                       "max": str(f.maximum) if f.maximum is not None else ""})
    return visit.render("request_new.html", status, item={"id": item.id, "name": printable(item.name, one_line=True),
                                                          "description": printable(item.description)},
                        fields=fields, error=error, description=visit.field("description"),
                        yes_no=[("yes", _("Yes")), ("no", _("No"))])


def _item_id(visit: Visit) -> int:
    raw = visit.param("item")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # an id, never past a 32-bit integer
        raise NotFound(_("That catalog item is no longer offered"))
    return int(raw)


def request_form(visit: Visit) -> Response:
    return _request_form(visit, _item_id(visit))


def register_request(visit: Visit) -> Response:
    item_id = _item_id(visit)
    try:
        with visit.db.write() as s:
            s.info["source"] = "portal"
            caller = _person(s, visit)
            item = portal_requests.offered_item(s, caller, item_id)
            values = {f.name: _typed(visit, f.kind, f.name) for f in item.fields}
            request = portal_requests.new_request(s, caller, item_id=item_id, values=values,
                                                  description=visit.field("description"))
            number = request.number
    except MissingFields as exc:
        return _request_form(visit, item_id, 400, error=exc.message, wrong=tuple(exc.fields))
    except RuleViolation as exc:
        return _request_form(visit, item_id, 400, error=exc.message, wrong=(exc.field,) if exc.field else ())
    return visit.redirect(f"/tickets/{quote(number)}?done=created")


# --- approvals -----------------------------------------------------------------------------------


def approval_list(visit: Visit) -> Response:
    with visit.db.read() as s:
        rows = portal_requests.waiting_approvals(s, _person(s, visit))
    waiting = [{"number": r.number, "title": printable(r.title, one_line=True),
                "requester": printable(r.requester, one_line=True), "created": when(r.created_at)} for r in rows]
    return visit.render("approvals.html", waiting=waiting, done=_done(visit))


def _approval_page(visit: Visit, number: str, status: int = 200, *, error: str = "") -> Response:
    with visit.db.read() as s:
        request = portal_requests.approval_for(s, _person(s, visit), number)
        fields = [(printable(label, one_line=True), printable(value)) for label, value in portal_requests.fields_of(s, request)]
        requester = portal_auth.person(s, request.requester_id)
        item = {"number": request.number, "title": printable(request.short_description, one_line=True),
                "requester": printable(requester.full_name if requester else "", one_line=True),
                "created": when(request.created_at), "description": printable(request.description)}
    return visit.render("approval.html", status, item=item, fields=fields, error=error,
                        comment=visit.field("comment"))


def approval(visit: Visit) -> Response:
    return _approval_page(visit, visit.param("number"))


def decide(visit: Visit) -> Response:
    number = visit.param("number")
    verdict = visit.field("decision")
    if verdict not in ("approve", "reject"):
        return _approval_page(visit, number, 400, error=_("Approve or reject the request"))
    try:
        with visit.db.write() as s:
            s.info["source"] = "portal"
            portal_requests.decide(s, _person(s, visit), number, approve=verdict == "approve",
                                   comment=visit.field("comment"))
    except RuleViolation as exc:
        return _approval_page(visit, number, 400, error=exc.message)
    return visit.redirect("/approvals?done=" + ("approved" if verdict == "approve" else "declined"))


def _new_form(visit: Visit, status: int = 200, *, error: str = "", field: str = "") -> Response:
    with visit.db.read() as s:
        services = [{"id": sv.id, "name": printable(sv.name, one_line=True)} for sv in portal_tickets.services(s)]
    values = {name: visit.field(name) for name in ("short_description", "description", "service", "kind",
                                                    "criticality", "urgent_reason")}
    values["kind"] = values["kind"] or "incident"
    return visit.render(
        "new.html", status, services=services, values=values, error=error, error_field=field,
        kinds=[(code, _(label)) for code, label in TICKET_KIND_LABELS.items()],
        criticalities=[(c.value, _(label)) for c, label in CRITICALITY_LABELS.items()],
        reasons=[(code, _(label)) for code, label in URGENT_REASONS.items()], files_hint=_files_hint())


def new_form(visit: Visit) -> Response:
    return _new_form(visit)


def register(visit: Visit) -> Response:
    service = visit.field("service")
    try:
        with visit.db.write() as s:
            s.info["source"] = "portal"
            incident = portal_tickets.new_incident(
                s, _person(s, visit), short_description=visit.field("short_description"),
                description=visit.field("description"), service_id=int(service) if service.isascii() and service.isdigit() and len(service) <= 9 else None,
                kind=visit.field("kind") or "incident", criticality=visit.field("criticality") or None,
                urgent_reason=visit.field("urgent_reason") or None, files=visit.uploads("files"))
            number = incident.number
    except RuleViolation as exc:
        return _new_form(visit, 400, error=exc.message, field=exc.field or "")
    return visit.redirect(f"/tickets/{quote(number)}?done=created")


def routes(page: Callable[..., Any]) -> list[Route]:
    return [
        Route("/tickets", page(ticket_list), methods=["GET"]),
        Route("/tickets/new", page(new_form), methods=["GET"]),
        Route("/tickets/new", page(register, files=True), methods=["POST"]),
        Route("/tickets/{number}", page(ticket), methods=["GET"]),
        Route("/tickets/{number}/reply", page(reply, files=True), methods=["POST"]),
        Route("/tickets/{number}/files/{file}", page(download), methods=["GET"]),
        Route("/tickets/{number}/close", page(close), methods=["POST"]),
        Route("/tickets/{number}/accept", page(accept), methods=["POST"]),
        Route("/tickets/{number}/reject", page(reject), methods=["POST"]),
        Route("/requests/new", page(item_list), methods=["GET"]),
        Route("/requests/new/{item}", page(request_form), methods=["GET"]),
        Route("/requests/new/{item}", page(register_request), methods=["POST"]),
        Route("/approvals", page(approval_list), methods=["GET"]),
        Route("/approvals/{number}", page(approval), methods=["GET"]),
        Route("/approvals/{number}", page(decide), methods=["POST"]),
    ]
