"""The caller's tickets: the list, one ticket with its published thread, replying, accepting or
rejecting a resolution, closing, and registering a new incident. Always the signed-in caller's
own: desk/portal_tickets.py finds nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.responses import Response
from starlette.routing import Route

from helpdesk_tui.desk import portal_auth, portal_tickets
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.sla import URGENT_REASONS
from helpdesk_tui.domain.statuses import CRITICALITY_LABELS, INCIDENT_STATUS_LABELS, TICKET_KIND_LABELS, IncidentStatus
from helpdesk_tui.domain.text import printable
from helpdesk_tui.domain.turn import TURN_WORDS
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.portal.app import Visit

# What a redirect after a change says on the page it lands on: fixed words, chosen by a code.
DONE = {
    "answered": N_("Thank you: your answer is with the service desk."),
    "reopened": N_("The ticket is open again; the service desk will look at it."),
    "added": N_("Your reply is added."),
    "closed": N_("The ticket is closed."),
    "accepted": N_("Thank you: the ticket is closed."),
    "rejected": N_("The ticket is open again; the service desk will look at it."),
    "created": N_("Your ticket is registered."),
}


def _done(visit: Visit) -> str:
    code = visit.request.query_params.get("done", "")
    return _(DONE[code]) if code in DONE else ""


def _status(status: str) -> str:
    try:
        return _(INCIDENT_STATUS_LABELS[IncidentStatus(status)])
    except ValueError:
        return status


def _person(s: Any, visit: Visit) -> Any:
    return portal_auth.person(s, visit.person_id)


def ticket_list(visit: Visit) -> Response:
    after = visit.request.query_params.get("after") or None
    with visit.db.read() as s:
        rows, more = portal_tickets.my_tickets(s, _person(s, visit), after=after)
    shown = [{"number": r.number, "title": printable(r.short_description, one_line=True), "status": _status(r.status),
              "turn": r.turn, "turn_words": _(TURN_WORDS[r.turn]), "kind": _(TICKET_KIND_LABELS.get(r.kind, r.kind)),
              "updated": when(r.updated_at)} for r in rows]
    return visit.render("tickets.html", tickets=shown, more=more, done=_done(visit))


def _ticket_page(visit: Visit, number: str, status: int = 200, *, error: str = "", field: str = "",
                 text: str = "") -> Response:
    with visit.db.read() as s:
        caller = _person(s, visit)
        incident = portal_tickets.ticket_for(s, caller, number)
        entries = portal_tickets.thread(s, caller, incident)
        from helpdesk_tui.domain.turn import turn

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
            "asks": state is IncidentStatus.INFO_NEEDED,
        }
    thread = [{"at": when(e.at), "author": printable(e.author, one_line=True), "mine": e.mine,
               "summary": printable(e.summary, one_line=True), "body": printable(e.body)} for e in entries]
    return visit.render("ticket.html", status, ticket=ticket, thread=thread, error=error, error_field=field,
                        text=text, done=_done(visit))


def ticket(visit: Visit) -> Response:
    return _ticket_page(visit, visit.request.path_params["number"])


def _change(visit: Visit, work: Callable[[Any, Any, str], str]) -> Response:
    number = visit.request.path_params["number"]
    try:
        with visit.db.write() as s:
            s.info["source"] = "portal"
            done = work(s, _person(s, visit), number)
    except RuleViolation as exc:
        return _ticket_page(visit, number, 400, error=exc.message, field=exc.field or "text",
                            text=visit.field("text") or visit.field("reason"))
    return visit.redirect(f"/tickets/{quote(number)}?done={done}")


def reply(visit: Visit) -> Response:
    return _change(visit, lambda s, caller, number: portal_tickets.reply(s, caller, number, visit.field("text")))


def close(visit: Visit) -> Response:
    def work(s: Any, caller: Any, number: str) -> str:
        portal_tickets.close_ticket(s, caller, number, visit.field("words"))
        return "closed"

    return _change(visit, work)


def accept(visit: Visit) -> Response:
    def work(s: Any, caller: Any, number: str) -> str:
        portal_tickets.accept_resolution(s, caller, number)
        return "accepted"

    return _change(visit, work)


def reject(visit: Visit) -> Response:
    def work(s: Any, caller: Any, number: str) -> str:
        portal_tickets.reject_resolution(s, caller, number, visit.field("reason"))
        return "rejected"

    return _change(visit, work)


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
        reasons=[(code, _(label)) for code, label in URGENT_REASONS.items()])


def new_form(visit: Visit) -> Response:
    return _new_form(visit)


def register(visit: Visit) -> Response:
    service = visit.field("service")
    try:
        with visit.db.write() as s:
            s.info["source"] = "portal"
            incident = portal_tickets.new_incident(
                s, _person(s, visit), short_description=visit.field("short_description"),
                description=visit.field("description"), service_id=int(service) if service.isdigit() else None,
                kind=visit.field("kind") or "incident", criticality=visit.field("criticality") or None,
                urgent_reason=visit.field("urgent_reason") or None)
            number = incident.number
    except RuleViolation as exc:
        return _new_form(visit, 400, error=exc.message, field=exc.field or "")
    return visit.redirect(f"/tickets/{quote(number)}?done=created")


def routes(page: Callable[..., Any]) -> list[Route]:
    return [
        Route("/tickets", page(ticket_list), methods=["GET"]),
        Route("/tickets/new", page(new_form), methods=["GET"]),
        Route("/tickets/new", page(register), methods=["POST"]),
        Route("/tickets/{number}", page(ticket), methods=["GET"]),
        Route("/tickets/{number}/reply", page(reply), methods=["POST"]),
        Route("/tickets/{number}/close", page(close), methods=["POST"]),
        Route("/tickets/{number}/accept", page(accept), methods=["POST"]),
        Route("/tickets/{number}/reject", page(reject), methods=["POST"]),
    ]
