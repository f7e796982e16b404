"""Replies about service requests -> desk operations (R28, R31); mail/intake.py routes here.

- A reply carrying an approval token ([APR-…] in the subject) goes to the approval: only the
  approver's own address decides, and only once; anything else (another address, an unknown or
  used token, a request no longer waiting) decides nothing and is journaled on the request
  (desk/approvals.decide_by_mail).
- A reply to an open request is written in its journal, unread for its owner. The requester's
  reply to an implemented one closes it with the word ЗАКРИТИ/CLOSE, as for an incident; any
  other reply sends it back to «В роботі», the reply its reason.
- A reply to a closed, rejected or cancelled request changes nothing there: it waits for an
  analyst, saying why (a closed request refuses every change, R28). It does not open a new
  request by itself: what to ask for is chosen from the catalog, by a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from helpdesk_tui.desk import approvals, request_mail, requests
from helpdesk_tui.domain.requests import FINAL, RequestStatus as S
from helpdesk_tui.i18n import _
from helpdesk_tui.mail.replies import is_confirmation
from helpdesk_tui.store.models import InboundMail, Person, ServiceRequest


@dataclass(frozen=True)
class Routed:
    outcome: str  # approved | rejected | note | refused | linked | closed | reopened | waiting
    request: str | None = None  # its number


def approval_reply(session: Session, system: Person, mail: InboundMail, token: str, *, sender: Person | None,
                   reply: str, threaded: ServiceRequest | None) -> Routed:
    """The approver's answer to «Approval needed», by its token; `threaded`: the request the
    reply's headers or subject name, for a token nobody was given."""
    request = approvals.request_of_token(session, token) or threaded
    if request is None:
        request_mail.hold(mail, _("An approval code that no request has: held for an analyst"))
        return Routed("waiting")
    outcome = approvals.decide_by_mail(session, system, request, token=token, sender=sender,
                                       sender_address=mail.from_address or "?", text=reply or mail.text)
    request_mail.belongs(mail, request)  # its journal entry is the decision's, or the refusal's
    return Routed(outcome, request.number)


def reply(session: Session, system: Person, mail: InboundMail, request: ServiceRequest, *, sender: Person | None,
          reply: str) -> Routed:
    """A reply threaded onto a request, done."""
    status = S(request.status)
    if status in FINAL:
        request_mail.hold(mail, _("{number} is «{status}» and changes no more: held for an analyst").format(
            number=request.number, status=status.label))
        return Routed("waiting", request.number)
    request_mail.record_email(session, mail, request, sender=sender, text=reply)
    if status is not S.IMPLEMENTED or sender is None or sender.id != request.requester_id:
        return Routed("linked", request.number)
    # The requester answers «Done: …» (request_implemented): confirmed, or not done after all.
    if is_confirmation(reply):
        requests.change_status(session, system, request, S.CLOSED)
        return Routed("closed", request.number)
    requests.change_status(session, system, request, S.IN_PROGRESS,
                           reason=reply or mail.text or _("(see the e-mail)"))
    return Routed("reopened", request.number)
