"""The incident lifecycle: which status may follow which, and what each move needs.

R18 (classification), R22 (question and answer), R24 (vendors), R25 (resolution), R26 (closed is
final). The desk calls `check_transition` before it writes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from helpdesk_tui.domain.errors import ClosedRecord, MissingFields, RuleViolation
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.i18n import N_, _

_WORKING = (S.IN_PROGRESS, S.INFO_NEEDED, S.THIRD_PARTY, S.RESOLVED, S.CANCELLED)

TRANSITIONS: dict[S, frozenset[S]] = {
    S.REGISTERED: frozenset(_WORKING),
    S.IN_PROGRESS: frozenset(_WORKING),
    S.INFO_NEEDED: frozenset({S.INFO_PROVIDED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED}),
    S.INFO_PROVIDED: frozenset(_WORKING),
    S.THIRD_PARTY: frozenset({S.FROM_THIRD_PARTY, S.CANCELLED}),
    S.FROM_THIRD_PARTY: frozenset(_WORKING),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.REOPENED: frozenset(_WORKING),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

# What a move into each status needs (the field names the desk and the forms use).
# R18: moving to «Виконується робота» classifies the incident.
CLASSIFICATION_FIELDS = ("service", "category", "urgency", "impact", "owner")
REQUIRED_FOR: dict[S, tuple[str, ...]] = {
    S.IN_PROGRESS: CLASSIFICATION_FIELDS,
    S.INFO_NEEDED: ("question",),
    S.INFO_PROVIDED: ("answer",),
    S.THIRD_PARTY: ("external_task",),
    S.FROM_THIRD_PARTY: ("vendor_answer",),
    S.RESOLVED: ("solution", "reason_code"),
    S.REOPENED: ("reason",),
    S.CANCELLED: ("reason",),
    S.CLOSED: (),
    S.REGISTERED: (),
}

FIELD_LABELS: dict[str, str] = {
    "caller": N_("Caller"),
    "short_description": N_("Short description"),
    "description": N_("Description"),
    "service": N_("Service"),
    "category": N_("Category"),
    "urgency": N_("Urgency"),
    "impact": N_("Impact"),
    "priority": N_("Priority"),
    "owner": N_("Owner"),
    "group": N_("Work group"),
    "status": N_("Status"),
    "question": N_("Question to the caller"),
    "answer": N_("The caller's answer"),
    "external_task": N_("External task"),
    "vendor_answer": N_("The vendor's answer"),
    "solution": N_("Solution"),
    "reason_code": N_("Reason code"),
    "configuration_item": N_("Configuration item"),
    "reason": N_("Reason"),
    "comment": N_("Comment"),
    "justification": N_("Justification"),
    "channel": N_("Channel"),
    "criticality": N_("Criticality"),
    "organisation": N_("Organisation"),
}


def field_label(name: str) -> str:
    return _(FIELD_LABELS.get(name, name))


@dataclass(frozen=True)
class Move:
    current: S
    target: S


def allowed_targets(current: S) -> frozenset[S]:
    return TRANSITIONS[current]


def ensure_changeable(status: S, number: str) -> None:
    """R26: a closed or cancelled incident refuses every change."""
    if status is S.CLOSED:
        raise ClosedRecord(_("{number} is closed and can no longer be changed").format(number=number))
    if status is S.CANCELLED:
        raise ClosedRecord(_("{number} is cancelled and can no longer be changed").format(number=number))


def check_transition(current: S, target: S, data: Mapping[str, Any], *, number: str = "") -> None:
    """Refuse a move the process does not allow or that lacks what it needs."""
    ensure_changeable(current, number)
    if target == current:
        raise RuleViolation(_("{number} already has status «{status}»").format(number=number, status=target.label))
    if target not in TRANSITIONS[current]:
        raise RuleViolation(
            _("Status «{target}» cannot follow «{current}»").format(target=target.label, current=current.label)
        )
    missing = [name for name in REQUIRED_FOR[target] if _blank(data.get(name))]
    if missing:
        raise MissingFields(
            _("«{status}» needs: {fields}").format(
                status=target.label, fields=", ".join(field_label(n) for n in missing)
            ),
            missing,
        )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# R3: somebody answers for every incident — its work group, its owner, or both.
ASSIGNMENT_FIELDS = ("group", "owner")


def assignment_missing() -> str:
    return _("An incident needs a work group or an owner: choose «{group}», «{owner}» or both").format(
        group=field_label("group"), owner=field_label("owner"))


def check_assignment(group_id: int | None, owner_id: int | None) -> None:
    if group_id is None and owner_id is None:
        raise MissingFields(assignment_missing(), list(ASSIGNMENT_FIELDS))
