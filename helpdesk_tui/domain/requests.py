"""The service-request lifecycle (R28–R30), pure: which status may follow which, what a move
needs, how approvals decide, and when a stage of the task sequence is done.

The desk (desk/requests.py) calls these before it writes anything; the words are the seed's
(«Зареєстровано», «В роботі», «В очікуванні схвалення», «Реалізовано», «Скасовано», «Закрито»,
«Відхилено»), marked with a context because an incident's «In progress» reads differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from helpdesk_tui.domain.errors import ClosedRecord, MissingFields, RuleViolation
from helpdesk_tui.domain.messages import Message, in_context
from helpdesk_tui.i18n import NC_, N_, ContextLabels, _, pgettext

CONTEXT = "service request"


class RequestStatus(StrEnum):
    REGISTERED = "registered"
    AWAITING_APPROVAL = "awaiting_approval"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return pgettext(CONTEXT, REQUEST_STATUS_LABELS[self])


REQUEST_STATUS_LABELS: dict[RequestStatus, str] = ContextLabels(CONTEXT, {
    RequestStatus.REGISTERED: NC_("service request", "Registered"),
    RequestStatus.AWAITING_APPROVAL: NC_("service request", "Awaiting approval"),
    RequestStatus.IN_PROGRESS: NC_("service request", "In progress"),
    RequestStatus.IMPLEMENTED: NC_("service request", "Implemented"),
    RequestStatus.CLOSED: NC_("service request", "Closed"),
    RequestStatus.REJECTED: NC_("service request", "Rejected"),
    RequestStatus.CANCELLED: NC_("service request", "Cancelled"),
})

S = RequestStatus


def status_message(status: RequestStatus) -> Message:
    """A request status as a journal keeps it: read in the reader's language, with its context."""
    return Message(in_context(CONTEXT, REQUEST_STATUS_LABELS[status]))

# R12: «Всі активні запити» are these; «Виконані запити» the rest.
ACTIVE = frozenset({S.REGISTERED, S.IN_PROGRESS, S.AWAITING_APPROVAL})
DONE = frozenset({S.IMPLEMENTED, S.CANCELLED, S.CLOSED, S.REJECTED})
# Nothing changes a request in these any more, through any entry point.
FINAL = frozenset({S.CLOSED, S.REJECTED, S.CANCELLED})

TRANSITIONS: dict[S, frozenset[S]] = {
    S.REGISTERED: frozenset({S.AWAITING_APPROVAL, S.IN_PROGRESS, S.CANCELLED}),
    S.AWAITING_APPROVAL: frozenset({S.IN_PROGRESS, S.REJECTED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.IMPLEMENTED, S.CANCELLED}),
    # The requester confirms (or the days pass), or says it is not done: back to work.
    S.IMPLEMENTED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}

REQUIRED_FOR: dict[S, tuple[str, ...]] = {
    S.CANCELLED: ("reason",),
    S.REJECTED: ("comment",),
}
# Back to work from «Реалізовано» says why.
REOPEN_NEEDS = ("reason",)

FIELD_LABELS = {"reason": N_("Reason"), "comment": N_("Comment")}


def ensure_changeable(status: S, number: str) -> None:
    """A closed, rejected or cancelled request refuses every change (R28, as R26 for incidents)."""
    if status in FINAL:
        raise ClosedRecord(_("{number} is «{status}» and can no longer be changed").format(
            number=number, status=status.label))


def check_transition(current: S, target: S, data: Mapping[str, Any], *, number: str = "") -> None:
    ensure_changeable(current, number)
    if target == current:
        raise RuleViolation(_("{number} already has status «{status}»").format(number=number, status=target.label))
    if target not in TRANSITIONS[current]:
        raise RuleViolation(_("Status «{target}» cannot follow «{current}»").format(
            target=target.label, current=current.label))
    needs = REQUIRED_FOR.get(target, ())
    if current is S.IMPLEMENTED and target is S.IN_PROGRESS:
        needs = REOPEN_NEEDS
    missing = [name for name in needs if not str(data.get(name) or "").strip()]
    if missing:
        raise MissingFields(_("«{status}» needs: {fields}").format(
            status=target.label, fields=", ".join(_(FIELD_LABELS[n]) for n in missing)), missing)


# --- approvals (R28) ------------------------------------------------------------------------


class ApprovalState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    # Decided by the others: «any one» approved first, or somebody rejected.
    NOT_NEEDED = "not_needed"

    @property
    def label(self) -> str:
        return _(APPROVAL_LABELS[self])


APPROVAL_LABELS = {
    ApprovalState.REQUESTED: N_("Awaiting the decision"),
    ApprovalState.APPROVED: N_("Approved"),
    ApprovalState.REJECTED: N_("Rejected"),
    ApprovalState.NOT_NEEDED: N_("No longer needed"),
}

APPROVAL_MODES = ("any", "all")
# The code in an approval e-mail's subject: whoever replies with it from the approver's own
# address decides. It is shown to nobody else: the desk's sent mail shows «[…]» in its place.
APPROVAL_TOKEN = re.compile(r"\[(APR-[A-Za-z0-9]{10,40})\]")


def approval_token(subject: str) -> str | None:
    found = APPROVAL_TOKEN.search(subject or "")
    return found[1] if found else None


def without_tokens(text: str) -> str:
    return APPROVAL_TOKEN.sub("[…]", text or "")


def approval_outcome(mode: str, states: Iterable[str]) -> ApprovalState | None:
    """What the approvers decided so far: approved, rejected, or None while it waits.
    «any»: the first decision decides; «all»: everybody approves, one rejection rejects."""
    states = [ApprovalState(s) for s in states]
    if ApprovalState.REJECTED in states:
        return ApprovalState.REJECTED
    approved = [s for s in states if s is ApprovalState.APPROVED]
    if mode == "any":
        return ApprovalState.APPROVED if approved else None
    pending = [s for s in states if s is ApprovalState.REQUESTED]
    return ApprovalState.APPROVED if approved and not pending else None


# --- the task sequence (R29, R30) -----------------------------------------------------------

TASK_FINISHED = frozenset({"completed", "cancelled"})


def stage_finished(task_statuses: Iterable[str]) -> bool:
    """A stage is done when every one of its tasks is completed or cancelled."""
    statuses = list(task_statuses)
    return bool(statuses) and all(s in TASK_FINISHED for s in statuses)


def handmade_blocking(finishing_last_stage: bool, open_handmade: list[str]) -> None:
    """R30: hand-made tasks are finished before the last automatic task completes and the
    request is implemented; the refusal names them."""
    if finishing_last_stage and open_handmade:
        raise RuleViolation(_(
            "Finish the tasks added by hand first ({numbers}): the last task of the sequence "
            "completes the request").format(numbers=", ".join(open_handmade)))
