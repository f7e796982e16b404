"""The problem lifecycle: its statuses with the names the users know, which may follow which,
and what each move needs (issue 19). Pure: the desk calls `check_transition` before it writes."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from helpdesk_tui.domain.errors import ClosedRecord, MissingFields, RuleViolation
from helpdesk_tui.i18n import N_, _


class ProblemStatus(StrEnum):
    REGISTERED = "registered"
    ANALYSIS = "analysis"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _(PROBLEM_STATUS_LABELS[self])


PROBLEM_STATUS_LABELS: dict[ProblemStatus, str] = {
    ProblemStatus.REGISTERED: N_("Registered"),
    ProblemStatus.ANALYSIS: N_("Analysis"),
    ProblemStatus.KNOWN_ERROR: N_("Known error"),
    ProblemStatus.RESOLVED: N_("Resolved"),
    ProblemStatus.CLOSED: N_("Closed"),
}

_P = ProblemStatus
TRANSITIONS: dict[ProblemStatus, frozenset[ProblemStatus]] = {
    _P.REGISTERED: frozenset({_P.ANALYSIS, _P.KNOWN_ERROR, _P.RESOLVED, _P.CLOSED}),
    _P.ANALYSIS: frozenset({_P.KNOWN_ERROR, _P.RESOLVED, _P.CLOSED}),
    # A known error goes back to analysis when its root cause turns out wrong.
    _P.KNOWN_ERROR: frozenset({_P.ANALYSIS, _P.RESOLVED, _P.CLOSED}),
    # A fix that did not hold reopens the analysis; closing is final.
    _P.RESOLVED: frozenset({_P.ANALYSIS, _P.CLOSED}),
    _P.CLOSED: frozenset(),
}

# A known error is one whose cause is found and that users can live with meanwhile.
REQUIRED_FOR: dict[ProblemStatus, tuple[str, ...]] = {
    _P.REGISTERED: (),
    _P.ANALYSIS: (),
    _P.KNOWN_ERROR: ("root_cause", "workaround"),
    _P.RESOLVED: ("solution",),
    _P.CLOSED: (),
}

FIELD_LABELS: dict[str, str] = {
    "short_description": N_("Short description"),
    "description": N_("Description"),
    "root_cause": N_("Root cause"),
    "workaround": N_("Workaround"),
    "solution": N_("Solution"),
    "status": N_("Status"),
    "service": N_("Service"),
    "configuration_item": N_("Configuration item"),
    "group": N_("Work group"),
    "owner": N_("Owner"),
}

OPEN = frozenset({_P.REGISTERED, _P.ANALYSIS, _P.KNOWN_ERROR})


def field_label(name: str) -> str:
    return _(FIELD_LABELS.get(name, name))


def parse(value: str) -> ProblemStatus:
    """A status by its code or, as people type it, by its label in either language."""
    text = (value or "").strip().casefold()
    for status in ProblemStatus:
        if text in (status.value, _(PROBLEM_STATUS_LABELS[status]).casefold(),
                    PROBLEM_STATUS_LABELS[status].casefold()):
            return status
    raise RuleViolation(_("A problem's status is one of: {statuses}").format(
        statuses=", ".join(f"{s.value} ({s.label})" for s in ProblemStatus)), field="status")


def ensure_changeable(status: ProblemStatus, number: str) -> None:
    if status is _P.CLOSED:
        raise ClosedRecord(_("{number} is closed and can no longer be changed").format(number=number))


def check_transition(current: ProblemStatus, target: ProblemStatus, data: Mapping[str, Any], *,
                     number: str = "") -> None:
    """Refuse a move the process does not allow or that lacks what it needs."""
    ensure_changeable(current, number)
    if target is current:
        raise RuleViolation(_("{number} already has status «{status}»").format(number=number, status=target.label))
    if target not in TRANSITIONS[current]:
        raise RuleViolation(
            _("Status «{target}» cannot follow «{current}»").format(target=target.label, current=current.label))
    missing = [name for name in REQUIRED_FOR[target] if _blank(data.get(name))]
    if missing:
        raise MissingFields(_("«{status}» needs: {fields}").format(
            status=target.label, fields=", ".join(field_label(n) for n in missing)), missing)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
